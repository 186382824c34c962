/**
 * DEFECT: `listIds` pages by position (the cursor is an offset into the sorted ids), so deleting
 * ids during a listing shifts the rest and the next page skips ids that were stored all along.
 *
 * Mirrors: `SELECT id ... ORDER BY id LIMIT $n OFFSET $k` paging instead of keyset paging
 * (`WHERE id > $last`): a cleanup job that deletes stale contexts while it lists them leaves
 * half of them behind.
 */
import type { IdPage } from '@context-storage/core/adapter';
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver } from './common.js';

class OffsetCursorDriver extends OpenMemoryDriver {
  override async listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    await this.count(); // drops expired contexts, as the memory driver's listing does
    const ids = [...this.store.namespace(this.prefix).keys()].sort();
    // BUG: the cursor is a position, not the last id listed.
    const offset = cursor === undefined ? 0 : Number(cursor);
    const next = offset + pageSize;
    return { ids: ids.slice(offset, next), cursor: next < ids.length ? String(next) : undefined };
  }
}

export const offsetCursor: BrokenAdapter = {
  defect: 'listIds pages by offset: ids deleted during a listing make it skip stored ids',
  caughtBy: ['ids() lists every id kept while others are deleted during the listing'],
  open: (store, prefix, options) =>
    new DriverStorage(new OffsetCursorDriver(store, prefix), store, prefix, options),
};
