/**
 * DEFECT: `count()` (hence `len()`) counts the contexts of every prefix on the backend.
 *
 * Mirrors: a Redis adapter whose len is `DBSIZE` (or a SQL `SELECT COUNT(*) FROM contexts`
 * without `WHERE prefix = ?`): correct in a test with one storage, wrong as soon as two bots or
 * two environments share the database.
 */
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver, prefixesOn } from './common.js';

class ForeignCountDriver extends OpenMemoryDriver {
  readonly #prefixes = prefixesOn(this.store, this.prefix);

  override async count(): Promise<number> {
    // BUG: DBSIZE: every live context on the store, whatever its prefix.
    let total = 0;
    for (const prefix of this.#prefixes) {
      total += await new MemoryDriver(this.store, prefix).count();
    }
    return total;
  }
}

export const foreignCount: BrokenAdapter = {
  defect: 'count() includes the contexts of other prefixes on the same store (DBSIZE)',
  caughtBy: ['clear and len see only their own storage'],
  open: (store, prefix, options) =>
    new DriverStorage(new ForeignCountDriver(store, prefix), store, prefix, options),
};
