/**
 * DEFECT: a batch load fetches the distinct ids in key order and pairs the rows it found with the
 * requested ids by position: results come back sorted, duplicates collapse, and a missing id
 * shifts every later result onto the wrong id. A one-id load is still correct.
 *
 * Mirrors: `SELECT ... WHERE id IN (...)` (or MongoDB `$in`, Cassandra `IN`) whose rows come back
 * in index order, each once, missing ones absent, zipped with the input instead of matched by id:
 * a bot answering user A with user B's context.
 */
import type { LoadWindows, StoredContext } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class BatchOrderDriver extends MemoryDriver {
  override async load(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    const keyOrder = [...new Set(ids)].sort();
    const rows = (await super.load(keyOrder, windows)).filter((row) => row !== undefined);
    // BUG: row i is taken as the answer for ids[i].
    return ids.map((_, index) => rows[index]);
  }
}

export const batchOrder: BrokenAdapter = {
  defect: 'batch load answers in key order, once per id, zipped with the input by position',
  caughtBy: ['getItems answers in input order, with missing ids and duplicates'],
  open: (store, prefix, options) =>
    new DriverStorage(new BatchOrderDriver(store, prefix), store, prefix, options),
};
