/**
 * DEFECT: an overwrite (`replace`) without an expiry keeps the expiry of the context it
 * overwrites; incremental writes without one do remove it, as they should.
 *
 * Mirrors: a Redis adapter that overwrites with `SET key value KEEPTTL` (or `HSET` after `HDEL`
 * of the old fields instead of `DEL`) and sends `PERSIST` on its incremental path only: a context
 * re-created as permanent (`ttlMs: null`) still vanishes with the old one's TTL.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class ReplaceKeepsTtlDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const stored = await this.load(
      writes.map((write) => write.id),
      { labels: 0, requests: 0, responses: 0 },
    );
    return super.write(
      writes.map((write, index) => {
        const expiresAt = stored[index]?.main.expiresAt;
        if (!write.replace || write.main.expiresAt !== undefined || expiresAt === undefined) {
          return write;
        }
        // BUG: the overwrite keeps the key's TTL.
        return { ...write, main: { ...write.main, expiresAt } };
      }),
    );
  }
}

export const replaceKeepsTtl: BrokenAdapter = {
  defect: 'an overwrite without an expiry keeps the old one (incremental writes remove it)',
  caughtBy: ['a write without TTL makes the context permanent'],
  open: (store, prefix, options) =>
    new DriverStorage(new ReplaceKeepsTtlDriver(store, prefix), store, prefix, options),
};
