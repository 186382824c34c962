/**
 * DEFECT: windows and `'all'` start at turn 1, the first turn `addTurn` creates, so an item at
 * turn 0 (a greeting sent before the user's first request) never loads with the context, only on
 * demand by its turn id.
 *
 * Mirrors: `WHERE turn_id BETWEEN GREATEST(1, $turn - $n + 1) AND $turn` (and `BETWEEN 1 AND
 * $turn` for 'all'), or a Lua `for t = math.max(1, turn - n + 1), turn`.
 */
import {
  type ItemsRequest,
  type LoadWindows,
  type StoredContext,
  type StoredItems,
  TURN_FIELDS,
  type TurnField,
} from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class TurnsFromOneDriver extends MemoryDriver {
  override async load(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    const rows = await super.load(ids, windows);
    // BUG: turn 0 is outside every window.
    for (const row of rows) for (const field of TURN_FIELDS) row?.items[field].delete(0);
    return rows;
  }

  override async loadItems(
    id: string,
    request: ItemsRequest,
  ): Promise<Record<TurnField, StoredItems>> {
    const items = await super.loadItems(id, request);
    // BUG: 'all' starts at turn 1 too.
    for (const field of TURN_FIELDS) if (request[field] === 'all') items[field].delete(0);
    return items;
  }
}

export const turnsFromOne: BrokenAdapter = {
  defect: "windows and 'all' start at turn 1: an item at turn 0 never loads with the context",
  caughtBy: ['an item at turn 0 loads with every window that reaches it'],
  open: (store, prefix, options) =>
    new DriverStorage(new TurnsFromOneDriver(store, prefix), store, prefix, options),
};
