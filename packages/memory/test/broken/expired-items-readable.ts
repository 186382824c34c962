/**
 * DEFECT: `loadItems` reads turn items without looking at the context's expiry: a context loaded
 * before it expired still fetches its older turns afterwards. `load`, `has` and the rest see the
 * context as gone.
 *
 * Mirrors: a layout keeping turn items apart from the main info (a Redis hash of items next to
 * the main hash, an items table) whose TTL is set on the main key only, or whose item query skips
 * the `expires_at` join: history the user's session no longer has leaks into a handler.
 */
import type { ItemsRequest, StoredItems, TurnField } from '@context-storage/core/adapter';
import { type BrokenAdapter, DriverStorage } from './common.js';
import { UnsweptMemoryDriver } from './unswept.js';

class ExpiredItemsReadableDriver extends UnsweptMemoryDriver {
  override loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    const entry = this.store.available ? this.rows().get(id) : undefined;
    const expiresAt = entry?.expiresAt;
    // BUG: the expiry is not looked at. (The memory driver's call runs synchronously, so the
    // expiry is back before anything else runs.)
    if (entry !== undefined) entry.expiresAt = undefined;
    const items = super.loadItems(id, request);
    if (entry !== undefined) entry.expiresAt = expiresAt;
    return items;
  }
}

export const expiredItemsReadable: BrokenAdapter = {
  defect: 'loadItems serves turn items of an expired context',
  caughtBy: ['a context saved with ttlMs expires'],
  open: (store, prefix, options) =>
    new DriverStorage(new ExpiredItemsReadableDriver(store, prefix), store, prefix, options),
};
