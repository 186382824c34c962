import type { ContextWrite } from '../driver.js';

/** What a driver read of the stored context to check a write: its version and creation time. */
export interface StoredVersion {
  version: number;
  createdAt: number;
}

/**
 * The version check of a {@link ContextWrite}, for drivers that check in their own code (inside
 * a lock, a transaction or a single-threaded store): true when the write may be applied.
 * `stored` is `undefined` when nothing is stored under the id (or it expired). No expected
 * version: last writer wins. Expected `0`: nothing may be stored. Expected `n > 0`: the stored
 * context is at version `n` and was created at `expectedCreatedAt`, so a dialog deleted and
 * created again (whose versions restart at 1) is not mistaken for the old one. Cost: O(1).
 */
export function versionMatches(
  write: Pick<ContextWrite, 'expectedVersion' | 'expectedCreatedAt'>,
  stored: StoredVersion | undefined,
): boolean {
  const expected = write.expectedVersion;
  if (expected === undefined) return true;
  if (expected !== (stored?.version ?? 0)) return false;
  return expected === 0 || stored?.createdAt === write.expectedCreatedAt;
}
