/**
 * DEFECT: a write batch runs as one transaction: when one write fails its version check, the
 * whole transaction is rolled back, yet the other writes are still reported as saved.
 *
 * Mirrors: `BEGIN; UPDATE ... WHERE version = $v; ...; COMMIT` per batch with `ROLLBACK` on the
 * first zero-row update, after the outcomes of the earlier statements were collected (or Redis
 * `WATCH`/`MULTI`/`EXEC` over every key of the batch): contexts the application believes saved
 * silently lose their turns, and their next save conflicts.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import type { MemoryEntry } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver } from './common.js';

function copyEntry(entry: MemoryEntry): MemoryEntry {
  return {
    ...entry,
    items: {
      labels: new Map(entry.items.labels),
      requests: new Map(entry.items.requests),
      responses: new Map(entry.items.responses),
    },
  };
}

class BatchRollbackDriver extends OpenMemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const rows = this.store.namespace(this.prefix);
    const before = writes.map((write) => {
      const entry = rows.get(write.id);
      return entry === undefined ? undefined : copyEntry(entry);
    });
    const outcomes = await super.write(writes);
    if (outcomes.some((outcome) => !outcome.ok)) {
      // BUG: the whole batch is rolled back, but the outcomes still say "saved".
      writes.forEach((write, index) => {
        const entry = before[index];
        if (entry === undefined) rows.delete(write.id);
        else rows.set(write.id, entry);
      });
    }
    return outcomes;
  }
}

export const batchRollback: BrokenAdapter = {
  defect: 'one conflicting write rolls back its whole batch; the others are reported saved',
  caughtBy: ['a batch with one stale context saves the others and reports the stale one'],
  open: (store, prefix, options) =>
    new DriverStorage(new BatchRollbackDriver(store, prefix), store, prefix, options),
};
