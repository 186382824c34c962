/**
 * DEFECT: expired contexts stay stored until a sweeper removes them; reads filter them out, but
 * the version check of `write` compares `expectedVersion` with the stored entry, expired or not.
 * So `update` of an expired context loads nothing, writes with "must not exist"
 * (`expectedVersion: 0`) and is refused because of a context nobody can see: every retry
 * conflicts. (A writer that does match the expired version merges into it and revives it.)
 *
 * Mirrors: SQL or Keyv-style stores with an `expires_at` column that filter expired rows on read
 * (`WHERE expires_at > now()`, Keyv's get-time expiry check) but not in the conditional write
 * (`INSERT ... ON CONFLICT DO NOTHING`, `UPDATE ... WHERE version = ?`): a user coming back after
 * the session expired gets an error instead of a new session.
 */
import type {
  ContextWrite,
  IdPage,
  ItemsRequest,
  LoadWindows,
  StoredContext,
  StoredItems,
  TurnField,
  WriteOutcome,
} from '@context-storage/core/adapter';
import type { MemoryEntry } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver } from './common.js';

function isExpired(entry: MemoryEntry | undefined, now: number): entry is MemoryEntry {
  return entry?.expiresAt !== undefined && entry.expiresAt <= now;
}

class ExpiredVersionCheckDriver extends OpenMemoryDriver {
  override load(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    return this.#unswept(() => super.load(ids, windows));
  }

  override loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    return this.#unswept(() => super.loadItems(id, request));
  }

  override has(ids: readonly string[]): Promise<boolean[]> {
    return this.#unswept(() => super.has(ids));
  }

  override count(): Promise<number> {
    return this.#unswept(() => super.count());
  }

  override listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    return this.#unswept(() => super.listIds(cursor, pageSize));
  }

  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const namespace = this.store.namespace(this.prefix);
    const now = Date.now();
    const refused = writes.map((write) => {
      const row = namespace.get(write.id);
      if (!isExpired(row, now)) return undefined;
      // BUG: the expired row takes part in the version check, as if it were live.
      const expected = write.expectedVersion;
      if (expected !== undefined && expected !== row.version) return row.version;
      row.expiresAt = undefined; // the write goes to the row as it is, expired or not
      return undefined;
    });
    const passed = await super.write(writes.filter((_, index) => refused[index] === undefined));
    return refused.map((actualVersion) =>
      actualVersion === undefined ? passed.shift()! : { ok: false, actualVersion },
    );
  }

  /**
   * Runs a read of the memory driver, which filters expired entries AND drops them, then puts
   * the dropped ones back: reads filter expired rows, the rows stay until a sweeper runs. The
   * memory driver's calls run synchronously, so nothing else sees the entries missing.
   */
  #unswept<T>(read: () => Promise<T>): Promise<T> {
    if (!this.store.available) return read(); // the read itself fails with ConnectionError
    const namespace = this.store.namespace(this.prefix);
    const now = Date.now();
    const expired = [...namespace].filter(([, entry]) => isExpired(entry, now));
    const result = read();
    for (const [id, entry] of expired) if (!namespace.has(id)) namespace.set(id, entry);
    return result;
  }
}

export const expiredVersionCheck: BrokenAdapter = {
  defect: 'the version check of write sees expired contexts that reads filter out',
  caughtBy: ['an expired context is created anew by update'],
  open: (store, prefix, options) =>
    new DriverStorage(new ExpiredVersionCheckDriver(store, prefix), store, prefix, options),
};
