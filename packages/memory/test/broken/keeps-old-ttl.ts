/**
 * DEFECT: a write without an expiry keeps the expiry the context already had, instead of making it
 * permanent (`ttlMs: null` on save is meant to remove the expiry).
 *
 * Mirrors: a Redis adapter that updates a context with `HSET` (or `SET ... KEEPTTL`) and never
 * sends `PERSIST`: the key keeps its old TTL, so a context the application pinned still vanishes.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class KeepsOldTtlDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const stored = await this.load(
      writes.map((write) => write.id),
      { labels: 0, requests: 0, responses: 0 },
    );
    return super.write(
      writes.map((write, index) => {
        const expiresAt = stored[index]?.main.expiresAt;
        if (write.main.expiresAt !== undefined || expiresAt === undefined) return write;
        // BUG: "no expiry given" is read as "leave the expiry alone".
        return { ...write, main: { ...write.main, expiresAt } };
      }),
    );
  }
}

export const keepsOldTtl: BrokenAdapter = {
  defect: 'a write without an expiry keeps the old one instead of removing it',
  caughtBy: ['a write without TTL makes the context permanent'],
  open: (store, prefix, options) =>
    new DriverStorage(new KeepsOldTtlDriver(store, prefix), store, prefix, options),
};
