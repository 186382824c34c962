/**
 * DEFECT: the version check compares versions only and ignores `expectedCreatedAt`. Versions
 * restart at 1 when a context is deleted and created again, so a writer holding the old dialog
 * at version 1 passes the check against the new dialog at version 1 and merges into it.
 *
 * Mirrors: `UPDATE ... WHERE id = ? AND version = ?` (or a Lua `if redis.call('HGET', k,
 * 'version') == ARGV[1]`) with no creation time or generation in the condition: after a user's
 * session is reset, a slow handler of the old session writes its turns into the new one.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver } from './common.js';

class CreatedAtIgnoredDriver extends OpenMemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const namespace = this.store.namespace(this.prefix);
    return super.write(
      writes.map((write) => {
        const stored = namespace.get(write.id);
        if (stored === undefined || write.expectedCreatedAt === undefined) return write;
        // BUG: whatever creation time the writer expects, the stored one is taken as a match.
        return { ...write, expectedCreatedAt: stored.createdAt };
      }),
    );
  }
}

export const createdAtIgnored: BrokenAdapter = {
  defect: 'the version check ignores expectedCreatedAt and compares versions only',
  caughtBy: ['a stale writer cannot merge into a context deleted and created anew'],
  open: (store, prefix, options) =>
    new DriverStorage(new CreatedAtIgnoredDriver(store, prefix), store, prefix, options),
};
