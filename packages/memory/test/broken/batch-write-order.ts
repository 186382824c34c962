/**
 * DEFECT: a batch write groups the writes per slot, runs each group, and concatenates the
 * groups' outcomes in slot order, so outcome `i` no longer answers `writes[i]`. A one-id write,
 * or a batch whose ids share a slot, is still correct.
 *
 * Mirrors: a Redis Cluster adapter that splits a batch per hash slot (one `MULTI`/pipeline per
 * node) and returns `results.flat()` of the groups instead of putting each result back at its
 * write's index: the conflict is reported for the wrong context, and a context that was not
 * saved is marked saved (its next incremental save then loses data).
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

/** Stands in for CRC16(key) mod 16384: deterministic, and different for the suite's ids. */
function slotOf(id: string): number {
  return id.charCodeAt(0);
}

class BatchWriteOrderDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const groups = new Map<number, ContextWrite[]>();
    for (const write of writes) {
      const slot = slotOf(write.id);
      groups.set(slot, [...(groups.get(slot) ?? []), write]);
    }
    const outcomes: WriteOutcome[][] = [];
    for (const slot of [...groups.keys()].sort((a, b) => a - b)) {
      outcomes.push(await super.write(groups.get(slot)!));
    }
    // BUG: the outcomes come back grouped by slot, not in the order of the writes.
    return outcomes.flat();
  }
}

export const batchWriteOrder: BrokenAdapter = {
  defect: 'batch write returns its outcomes grouped by slot, not in the order of the writes',
  caughtBy: ['a batch with one stale context saves the others and reports the stale one'],
  open: (store, prefix, options) =>
    new DriverStorage(new BatchWriteOrderDriver(store, prefix), store, prefix, options),
};
