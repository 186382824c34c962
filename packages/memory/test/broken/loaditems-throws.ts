/**
 * DEFECT: `loadItems` of a context that no longer exists throws `CorruptDataError` (its main info
 * is "missing") instead of answering empty maps. A typed error, so the storage passes it on as
 * is: fetching older turns of a live context whose id was deleted meanwhile (or expired) fails.
 *
 * Mirrors: an adapter that reads the main hash first to validate the item request and treats an
 * absent one as damage (`if (!main) throw new CorruptDataError(...)`), or a SQL join whose empty
 * result is taken for a broken foreign key: a handler still holding a context after the user
 * reset the dialog crashes instead of seeing no history.
 */
import { CorruptDataError, type TurnField } from '@context-storage/core';
import type { ItemsRequest, StoredItems } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class LoadItemsThrowsDriver extends MemoryDriver {
  override async loadItems(
    id: string,
    request: ItemsRequest,
  ): Promise<Record<TurnField, StoredItems>> {
    const [exists] = await this.has([id]);
    // BUG: "no such context" is reported as damage instead of as nothing found.
    if (!exists) throw new CorruptDataError(id, 'main', 'missing');
    return super.loadItems(id, request);
  }
}

export const loadItemsThrows: BrokenAdapter = {
  defect: 'loadItems of a context deleted meanwhile throws CorruptDataError instead of empty maps',
  caughtBy: ['fetching turns of a context deleted meanwhile finds nothing, without error'],
  open: (store, prefix, options) =>
    new DriverStorage(new LoadItemsThrowsDriver(store, prefix), store, prefix, options),
};
