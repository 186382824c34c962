/**
 * DEFECT: every write is applied as a whole-context replace: the driver discards the stored turn
 * items before writing the given ones, even for an incremental save of a partially loaded context.
 *
 * Mirrors: an adapter whose save is "DELETE every turn row of the context, then INSERT the turns
 * we have" (or `DEL hash` + `HSET`), written when contexts were always loaded in full and never
 * revisited when partial loading arrived: every turn outside the loaded window is lost.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class ReplaceOnSaveDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    // BUG: incremental writes (replace: false) are treated as overwrites.
    return super.write(writes.map((write) => ({ ...write, replace: true })));
  }
}

export const replaceOnSave: BrokenAdapter = {
  defect: 'incremental writes replace the whole context: unloaded turns are lost',
  caughtBy: [
    'a partial save writes its changes and leaves unloaded turns intact',
    'setItems saves loaded contexts incrementally with their version check',
    'a saved context can be saved again, and again',
  ],
  open: (store, prefix, options) =>
    new DriverStorage(new ReplaceOnSaveDriver(store, prefix), store, prefix, options),
};
