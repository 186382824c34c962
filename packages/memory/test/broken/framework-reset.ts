/**
 * DEFECT: an incremental write without `main.frameworkData` ("unchanged, leave it") stores an
 * empty object instead of keeping the stored frameworkData. `misc` is handled correctly.
 *
 * Mirrors: an upsert built from a column list with defaults (`framework_data DEFAULT '{}'`, or a
 * Redis `HSET` of every main field with `?? '{}'`), written when every save sent every field:
 * once saves only send what changed, a turn added without touching the framework's state wipes
 * it, and the bot restarts the dialog flow from the start node.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class FrameworkResetDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    return super.write(
      writes.map((write) =>
        // BUG: "absent" is read as "empty", not as "unchanged".
        write.main.frameworkData === undefined
          ? { ...write, main: { ...write.main, frameworkData: '{}' } }
          : write,
      ),
    );
  }
}

export const frameworkReset: BrokenAdapter = {
  defect: 'a write without frameworkData resets it to {} instead of keeping it',
  caughtBy: ['frameworkData and misc survive saves that do not change them'],
  open: (store, prefix, options) =>
    new DriverStorage(new FrameworkResetDriver(store, prefix), store, prefix, options),
};
