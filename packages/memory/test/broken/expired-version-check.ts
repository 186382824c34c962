/**
 * DEFECT: expired contexts stay stored until a sweeper removes them; reads filter them out, but
 * the version check of `write` compares `expectedVersion` with the stored entry, expired or not.
 * So `update` of an expired context loads nothing, writes with "must not exist"
 * (`expectedVersion: 0`) and is refused because of a context nobody can see: every retry
 * conflicts. (A writer that does match the expired version merges into it and revives it.)
 *
 * Mirrors: SQL or Keyv-style stores with an `expires_at` column that filter expired rows on read
 * (`WHERE expires_at > now()`, Keyv's get-time expiry check) but not in the conditional write
 * (`INSERT ... ON CONFLICT DO NOTHING`, `UPDATE ... WHERE version = ?`): a user coming back after
 * the session expired gets an error instead of a new session.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { type BrokenAdapter, DriverStorage } from './common.js';
import { isExpired, UnsweptMemoryDriver } from './unswept.js';

class ExpiredVersionCheckDriver extends UnsweptMemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const rows = this.rows();
    const now = Date.now();
    const refused = writes.map((write) => {
      const row = rows.get(write.id);
      if (!isExpired(row, now)) return undefined;
      // BUG: the expired row takes part in the version check, as if it were live.
      const expected = write.expectedVersion;
      if (expected !== undefined && expected !== row.version) return row.version;
      row.expiresAt = undefined; // the write goes to the row as it is, expired or not
      return undefined;
    });
    const passed = await super.write(writes.filter((_, index) => refused[index] === undefined));
    return refused.map((actualVersion) =>
      actualVersion === undefined ? passed.shift()! : { ok: false, actualVersion },
    );
  }
}

export const expiredVersionCheck: BrokenAdapter = {
  defect: 'the version check of write sees expired contexts that reads filter out',
  caughtBy: ['an expired context is created anew by update'],
  open: (store, prefix, options) =>
    new DriverStorage(new ExpiredVersionCheckDriver(store, prefix), store, prefix, options),
};
