/**
 * DEFECT: a write that only deletes turn items (nothing set, misc and frameworkData unchanged)
 * deletes them but leaves the version where it was. A stale writer still holding that version
 * then passes the version check, and a turn it still has comes back: a lost delete.
 *
 * Mirrors: an SQL adapter that deletes item rows with `DELETE FROM turns ...` and bumps the
 * version in the `UPDATE contexts SET ..., version = version + 1` it only sends when main info or
 * items are written; or a Redis script that increments `version` inside its `HSET` branch only.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver } from './common.js';

function deletesOnly(write: ContextWrite): boolean {
  return (
    !write.replace &&
    write.set.length === 0 &&
    write.delete.length > 0 &&
    write.main.misc === undefined &&
    write.main.frameworkData === undefined
  );
}

class DeleteOnlyVersionDriver extends OpenMemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const namespace = this.store.namespace(this.prefix);
    const before = writes.map((write) => namespace.get(write.id)?.version);
    const outcomes = await super.write(writes);
    return outcomes.map((outcome, index) => {
      const previous = before[index];
      if (!outcome.ok || previous === undefined || !deletesOnly(writes[index]!)) return outcome;
      // BUG: nothing but deletions, so the version is not bumped.
      namespace.get(writes[index]!.id)!.version = previous;
      return { ok: true, version: previous };
    });
  }
}

export const deleteOnlyVersion: BrokenAdapter = {
  defect: 'a write that only deletes turn items does not bump the version',
  caughtBy: ['a save that only deletes turns bumps the version'],
  open: (store, prefix, options) =>
    new DriverStorage(new DeleteOnlyVersionDriver(store, prefix), store, prefix, options),
};
