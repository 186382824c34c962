/**
 * DEFECT: the driver ignores `expectedVersion` (last writer wins) while still declaring
 * `crossInstanceCompareAndSet: true`, so the storage does not serialize updates itself either.
 *
 * Mirrors: `UPDATE contexts SET ... WHERE id = ?` without `AND version = ?`, or a Redis `GET`
 * then `SET` without `WATCH`/`MULTI` or a Lua script: two messages of one user handled at once
 * both "succeed" and one turn silently disappears.
 */
import type { ContextWrite, WriteOutcome } from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class LostUpdateDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    // BUG: the version check is dropped; every write wins.
    return super.write(writes.map(({ expectedVersion: _unchecked, ...write }) => write));
  }
}

export const lostUpdate: BrokenAdapter = {
  defect: 'write ignores expectedVersion but declares crossInstanceCompareAndSet: true',
  caughtBy: [
    'a stale save is rejected with CONFLICT and writes nothing',
    'saving a loaded context whose id was deleted meanwhile is a conflict',
    'concurrent updates of one context lose no turn',
    'concurrent updates creating one new context lose no turn',
    'concurrent updates through two storage instances lose no turn',
    'update gives up with CONFLICT after its retries',
  ],
  says: [
    'expected a CONFLICT error from setItem of a context loaded at version 1 after another save made version 2, but it succeeded',
    "after 20 concurrent update() calls each adding a turn, every writer's turn is stored",
  ],
  open: (store, prefix, options) =>
    new DriverStorage(new LostUpdateDriver(store, prefix), store, prefix, options),
};
