/**
 * DEFECT: a write batch takes `replace` (overwrite or incremental) from its first write for all
 * of them: after a new context, a loaded one is overwritten with only what it loaded, and its
 * unloaded turns are lost; after a loaded one, a new context keeps whatever was stored.
 *
 * Mirrors: a pipeline or bulk statement built once per batch (`DEL` before every `HSET`, or a
 * `replace` argument hoisted out of the loop) from the first entry's options.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class BatchReplaceFlagDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const replace = writes[0]?.replace ?? false;
    // BUG: one flag for the whole batch.
    return super.write(writes.map((write) => ({ ...write, replace })));
  }
}

export const batchReplaceFlag: BrokenAdapter = {
  defect: 'a write batch overwrites or not as its first write does',
  caughtBy: ['setItems saves new and loaded contexts in one batch, each in its own way'],
  open: (store, prefix, options) =>
    new DriverStorage(new BatchReplaceFlagDriver(store, prefix), store, prefix, options),
};
