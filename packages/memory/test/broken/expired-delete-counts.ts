/**
 * DEFECT: `delete` counts expired contexts that are still stored (not yet swept) as existing, so
 * `delItem` of an expired context answers true and `delItems` over-counts. Reads filter them out.
 *
 * Mirrors: `DELETE FROM contexts WHERE id = ANY($1)` whose row count includes expired rows no
 * sweeper removed yet, or Keyv's `delete()`, which answers true for an expired entry of a Map
 * store: a bot telling the user "your session was reset" about a session long gone.
 */
import { type BrokenAdapter, DriverStorage } from './common.js';
import { UnsweptMemoryDriver } from './unswept.js';

class ExpiredDeleteCountsDriver extends UnsweptMemoryDriver {
  override async delete(ids: readonly string[]): Promise<number> {
    const rows = this.rows();
    let existed = 0;
    // BUG: a stored row counts, expired or not.
    for (const id of ids) if (rows.delete(id)) existed++;
    return existed;
  }
}

export const expiredDeleteCounts: BrokenAdapter = {
  defect: 'delete counts expired contexts still stored as existing',
  caughtBy: ['a context saved with ttlMs expires'],
  open: (store, prefix, options) =>
    new DriverStorage(new ExpiredDeleteCountsDriver(store, prefix), store, prefix, options),
};
