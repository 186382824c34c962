/**
 * DEFECT: the driver drops the expiry (`main.expiresAt`) of every write, so contexts never expire, while the adapter
 * still declares `ttl: true`.
 *
 * Mirrors: a Redis adapter that builds `SET key value` without `PX ttl` (or forgets `PEXPIRE` on
 * one code path), a SQL adapter with an `expires_at` column nothing fills: stores grow forever and
 * dialogs that should have been reset resume weeks later.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class IgnoresTtlDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    // BUG: the TTL is silently lost on the way to the backend.
    return super.write(
      writes.map(({ main: { expiresAt: _ignored, ...main }, ...write }) => ({ ...write, main })),
    );
  }
}

export const ignoresTtl: BrokenAdapter = {
  defect: 'write drops the expiry: contexts never expire (still declares ttl: true)',
  caughtBy: [
    'a context saved with ttlMs expires',
    'the storage default TTL applies to every write',
    'every write renews the TTL (sliding expiry)',
  ],
  open: (store, prefix, options) =>
    new DriverStorage(new IgnoresTtlDriver(store, prefix), store, prefix, options),
};
