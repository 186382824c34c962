import { InvalidArgumentError } from '@context-storage/core';
import type { KeyPage } from './connection.js';

/** One SCAN page on one server: `SCAN cursor MATCH match COUNT count` -> `[next cursor, keys]`. */
export type ScanPage = (
  cursor: string,
  match: string,
  count: number,
) => Promise<[string, string[]]>;

/**
 * One page of a SCAN of a single server (standalone, or the master of a sentinel): the cursor is
 * `0:<SCAN cursor>`. Cost: one SCAN.
 *
 * @throws `InvalidArgumentError` for a cursor this listing did not make
 */
export async function scanSingleServer(
  cursor: string | undefined,
  match: string,
  count: number,
  scan: ScanPage,
): Promise<KeyPage> {
  const serverCursor = cursor === undefined ? '0' : /^0:(\d+)$/.exec(cursor)?.[1];
  if (serverCursor === undefined) throw badCursor(cursor);
  const [next, keys] = await scan(serverCursor, match, count);
  return { keys, cursor: String(next) === '0' ? undefined : `0:${next}` };
}

/** The error of a cursor that no page of this listing returned. */
export function badCursor(cursor: string | undefined): InvalidArgumentError {
  return new InvalidArgumentError(
    `${JSON.stringify(cursor)} is not a cursor of a Redis listing (pass back the cursor of the last page)`,
  );
}
