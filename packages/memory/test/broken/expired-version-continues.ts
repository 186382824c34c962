/**
 * DEFECT: an overwrite (a write without version check) of a context that expired but is not yet
 * swept revives the expired row instead of creating the context anew: its version counts on from
 * the expired one. Version-checked writes treat the expired row as absent, as they should.
 *
 * Mirrors: an SQL upsert `INSERT ... ON CONFLICT (id) DO UPDATE SET version = contexts.version + 1`
 * that ignores `expires_at`: versions are meant to restart at 1 for a new dialog under the id.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { type BrokenAdapter, DriverStorage } from './common.js';
import { isExpired, UnsweptMemoryDriver } from './unswept.js';

class ExpiredVersionContinuesDriver extends UnsweptMemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const rows = this.rows();
    const now = Date.now();
    for (const write of writes) {
      const row = rows.get(write.id);
      if (!isExpired(row, now)) continue;
      // BUG: the upsert finds the expired row and writes over it, version and all.
      if (write.expectedVersion === undefined) row.expiresAt = undefined;
      else rows.delete(write.id);
    }
    return super.write(writes);
  }
}

export const expiredVersionContinues: BrokenAdapter = {
  defect: 'an overwrite of an expired context continues its version instead of restarting at 1',
  caughtBy: ['an expired context is created anew'],
  open: (store, prefix, options) =>
    new DriverStorage(new ExpiredVersionContinuesDriver(store, prefix), store, prefix, options),
};
