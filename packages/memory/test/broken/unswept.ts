/**
 * The memory driver as a store with lazy expiry, the base of the broken drivers about expired
 * contexts: reads filter expired rows out but leave them stored until a sweeper would remove
 * them (the memory driver drops an expired entry as soon as anything touches it), so a defect on
 * one code path is not hidden by a read that swept the row first.
 *
 * Mirrors: SQL or Keyv-style stores with an `expires_at` column filtered on read.
 */
import type {
  IdPage,
  ItemsRequest,
  LoadWindows,
  StoredContext,
  StoredItems,
  TurnField,
} from '@context-storage/core/adapter';
import type { MemoryEntry } from '../../src/index.js';
import { OpenMemoryDriver } from './common.js';

/** True when `entry` is stored but expired at `now`. */
export function isExpired(entry: MemoryEntry | undefined, now: number): entry is MemoryEntry {
  return entry?.expiresAt !== undefined && entry.expiresAt <= now;
}

export class UnsweptMemoryDriver extends OpenMemoryDriver {
  override load(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    return this.unswept(() => super.load(ids, windows));
  }

  override loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    return this.unswept(() => super.loadItems(id, request));
  }

  override has(ids: readonly string[]): Promise<boolean[]> {
    return this.unswept(() => super.has(ids));
  }

  override count(): Promise<number> {
    return this.unswept(() => super.count());
  }

  override listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    return this.unswept(() => super.listIds(cursor, pageSize));
  }

  /** The rows of this storage, expired ones included. */
  protected rows(): Map<string, MemoryEntry> {
    return this.store.namespace(this.prefix);
  }

  /**
   * Runs a call of the memory driver, which filters expired entries AND drops them, then puts
   * the dropped ones back. The memory driver's calls run synchronously, so nothing else sees the
   * entries missing.
   */
  protected unswept<T>(call: () => Promise<T>): Promise<T> {
    if (!this.store.available) return call(); // the call itself fails with ConnectionError
    const rows = this.rows();
    const now = Date.now();
    const expired = [...rows].filter(([, entry]) => isExpired(entry, now));
    const result = call();
    for (const [id, entry] of expired) if (!rows.has(id)) rows.set(id, entry);
    return result;
  }
}
