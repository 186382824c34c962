/**
 * DEFECT: a batch load computes the turn ids of each window once, from the first context found,
 * and applies them to every context of the batch: a shorter or longer dialog gets the wrong turns
 * (often none). A one-id load is correct.
 *
 * Mirrors: one `SELECT ... WHERE id IN (...) AND turn_id > $first` for a whole batch, `$first`
 * computed from one context's current turn, or a Lua script that reads `turn` of KEYS[1] only.
 */
import {
  type LoadWindows,
  type StoredContext,
  type StoredItems,
  TURN_FIELDS,
  type TurnField,
  windowTurnIds,
} from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

const ALL: LoadWindows = { labels: 'all', requests: 'all', responses: 'all' };

class WindowOfFirstDriver extends MemoryDriver {
  override async load(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    const rows = await super.load(ids, ALL);
    const first = rows.find((row) => row !== undefined);
    if (first === undefined) return rows;
    // BUG: the windows of the first context found, for every context.
    const wanted = {} as Record<TurnField, Set<number> | 'all'>;
    for (const field of TURN_FIELDS) {
      const window = windows[field];
      wanted[field] =
        window === 'all' ? 'all' : new Set(windowTurnIds(first.main.currentTurnId, window));
    }
    return rows.map((row) => {
      if (row === undefined) return undefined;
      const items = {} as Record<TurnField, StoredItems>;
      for (const field of TURN_FIELDS) {
        const keep = wanted[field];
        items[field] = new Map(
          [...row.items[field]].filter(([turnId]) => keep === 'all' || keep.has(turnId)),
        );
      }
      return { main: row.main, items };
    });
  }
}

export const windowOfFirst: BrokenAdapter = {
  defect: 'a batch load applies the windows of the first context found to every context',
  caughtBy: ['getItems loads the latest turns of each context by its own current turn'],
  open: (store, prefix, options) =>
    new DriverStorage(new WindowOfFirstDriver(store, prefix), store, prefix, options),
};
