/**
 * DEFECT: a batch load answers each stored context once: a repeated id finds its row already
 * taken and is answered `undefined` ("no such context").
 *
 * Mirrors: rows of `SELECT ... WHERE id IN (...)` (each id once) paired with the requested ids
 * through a map whose entries are removed as they are matched, to spot ids left over: a
 * `getItems` with one user's id twice (two messages in one batch) loses the second.
 */
import type { LoadWindows, StoredContext } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class DuplicateLoadConsumedDriver extends MemoryDriver {
  override async load(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    const distinct = [...new Set(ids)];
    const rows = await super.load(distinct, windows);
    const byId = new Map(distinct.map((id, index) => [id, rows[index]]));
    return ids.map((id) => {
      const row = byId.get(id);
      // BUG: a matched row is consumed.
      byId.delete(id);
      return row;
    });
  }
}

export const duplicateLoadConsumed: BrokenAdapter = {
  defect: 'batch load answers a repeated id once, then undefined',
  caughtBy: ['getItems answers in input order, with missing ids and duplicates'],
  open: (store, prefix, options) =>
    new DriverStorage(new DuplicateLoadConsumedDriver(store, prefix), store, prefix, options),
};
