/**
 * DEFECT: `listIds` pages over every stored row, expired ones included, drops the expired ones
 * from the page, and takes a page shorter than `pageSize` for the last one: a page that held an
 * expired context ends the listing early, and the ids after it are never listed.
 *
 * Mirrors: `SELECT id ... ORDER BY id LIMIT $n` (or a Keyv iterator) filtered for expiry in
 * the application, with the classic `if (ids.length < pageSize) done`: a cleanup or export job
 * silently stops halfway.
 */
import type { IdPage } from '@context-storage/core/adapter';
import { type BrokenAdapter, DriverStorage } from './common.js';
import { isExpired, UnsweptMemoryDriver } from './unswept.js';

class ShortPageEndsDriver extends UnsweptMemoryDriver {
  override async listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    const now = Date.now();
    const rows = this.rows();
    const page = [...rows.keys()]
      .filter((id) => cursor === undefined || id > cursor)
      .sort()
      .slice(0, pageSize);
    const ids = page.filter((id) => !isExpired(rows.get(id), now));
    // BUG: a short page is taken for the end of the listing.
    return { ids, cursor: ids.length < pageSize ? undefined : page[page.length - 1] };
  }
}

export const shortPageEnds: BrokenAdapter = {
  defect: 'listIds ends the listing at a page shortened by expired contexts',
  caughtBy: ['a context saved with ttlMs expires'],
  open: (store, prefix, options) =>
    new DriverStorage(new ShortPageEndsDriver(store, prefix), store, prefix, options),
};
