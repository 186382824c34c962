import type { KeyPage } from './connection.js';

/**
 * One page of a SCAN over several masters, one after the other: the cursor is
 * `<master index>:<SCAN cursor of that master>`, so a listing survives between calls without
 * state. `scanMaster(index, cursor)` runs `SCAN cursor MATCH ... COUNT ...` on master `index` and
 * resolves its `[next cursor, keys]` reply. The master list must keep a stable order.
 */
export async function scanAcrossMasters(
  cursor: string | undefined,
  masterCount: number,
  scanMaster: (index: number, cursor: string) => Promise<[string, string[]]>,
): Promise<KeyPage> {
  const [indexText, masterCursor] = (cursor ?? '0:0').split(':');
  const index = Number(indexText);
  if (!(index < masterCount)) return { keys: [], cursor: undefined };
  const [next, keys] = await scanMaster(index, masterCursor ?? '0');
  if (String(next) !== '0') return { keys, cursor: `${index}:${next}` };
  return { keys, cursor: index + 1 < masterCount ? `${index + 1}:0` : undefined };
}
