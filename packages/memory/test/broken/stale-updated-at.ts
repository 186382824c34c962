/**
 * DEFECT: incremental writes keep the stored `updatedAt`: only creating or overwriting a context
 * sets it, so `updatedAt` tells when the dialog started, not when it was last written.
 *
 * Mirrors: an upsert `ON CONFLICT DO UPDATE SET turn = ..., misc = ...` whose column list was
 * written for the insert and never got `updated_at`: idle-session reports and cleanup jobs built
 * on `updatedAt` close live dialogs.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class StaleUpdatedAtDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const stored = await this.load(
      writes.map((write) => write.id),
      { labels: 0, requests: 0, responses: 0 },
    );
    return super.write(
      writes.map((write, index) => {
        const updatedAt = stored[index]?.main.updatedAt;
        if (write.replace || updatedAt === undefined) return write;
        // BUG: the stored updatedAt is kept.
        return { ...write, main: { ...write.main, updatedAt } };
      }),
    );
  }
}

export const staleUpdatedAt: BrokenAdapter = {
  defect: 'incremental writes keep the stored updatedAt',
  caughtBy: ['a partial save writes its changes and leaves unloaded turns intact'],
  open: (store, prefix, options) =>
    new DriverStorage(new StaleUpdatedAtDriver(store, prefix), store, prefix, options),
};
