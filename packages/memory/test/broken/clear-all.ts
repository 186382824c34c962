/**
 * DEFECT: `clear()` deletes the contexts of every prefix on the backend, not only its own.
 *
 * Mirrors: a Redis adapter whose clear is `FLUSHDB` (or a SQL `DELETE FROM contexts` without
 * `WHERE prefix = ?`): clearing a test bot's storage wipes production's contexts on the same DB.
 */
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver, prefixesOn } from './common.js';

class ClearAllDriver extends OpenMemoryDriver {
  readonly #prefixes = prefixesOn(this.store, this.prefix);

  override async clear(): Promise<void> {
    // BUG: FLUSHDB: every namespace goes, whoever owns it.
    for (const prefix of this.#prefixes) this.store.dropNamespace(prefix);
  }
}

export const clearAll: BrokenAdapter = {
  defect: 'clear() drops every prefix on the store (FLUSHDB)',
  caughtBy: ['clear and len see only their own storage'],
  says: ['after clear() of another storage, len() is still 2'],
  open: (store, prefix, options) =>
    new DriverStorage(new ClearAllDriver(store, prefix), store, prefix, options),
};
