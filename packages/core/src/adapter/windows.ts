/**
 * Turn ids of the window `(currentTurnId - n, currentTurnId]`, never below 0: what a driver loads
 * for a field whose window is `n` (see `TurnWindow`). Cost: O(n).
 */
export function windowTurnIds(currentTurnId: number, n: number): number[] {
  const first = Math.max(0, currentTurnId - n + 1);
  const ids: number[] = [];
  for (let turnId = first; turnId <= currentTurnId; turnId++) ids.push(turnId);
  return ids;
}
