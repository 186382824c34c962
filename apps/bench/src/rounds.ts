/**
 * A measurement over several targets, in steps for the progress display: `seed` prepares every
 * target (untimed); `rounds[r]` measures each target once, in an order rotated every round, so
 * that a burst of load on the machine or the garbage of one target does not always fall on the
 * same one; `finish` resolves the rows and clears the targets.
 */
export interface RoundedPhase<Row> {
  seed(): Promise<void>;
  rounds: { label: string; run: () => Promise<string> }[][];
  finish(): Promise<Row[]>;
}

/** `rounds` copies of `items`, the k-th rotated by k: [a b c], [b c a], [c a b]. */
export function rotatedRounds<T>(items: readonly T[], rounds: number): T[][] {
  return Array.from({ length: rounds }, (_, round) =>
    items.map((_, index) => items[(index + round) % items.length]!),
  );
}
