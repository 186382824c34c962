import { CorruptDataError, type TurnField } from '@context-storage/core';
import type {
  IdPage,
  StoredContext,
  StoredItems,
  WriteOutcome,
} from '@context-storage/core/adapter';
import { fieldOfCode, idOfBytes } from './layout.js';
import type { SqlRow } from './sql-client.js';

/** An integer column as a number (node-postgres gives `bigint` as text, PGlite as a number). */
function integer(value: unknown): number {
  return value === null || value === undefined ? Number.NaN : Number(value);
}

function bytes(id: string, part: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new CorruptDataError(id, part, `expected bytes from the database, got ${typeof value}`);
  }
  return value;
}

/** Empty item maps, one per field. */
export function emptyItems(): Record<TurnField, StoredItems> {
  return { labels: new Map(), requests: new Map(), responses: new Map() };
}

/** Adds an item row (`field`, `turn_id`, `payload`) to its field's map; unknown fields are skipped. */
function addItem(id: string, items: Record<TurnField, StoredItems>, row: SqlRow): void {
  const field = fieldOfCode(integer(row.field));
  if (field === undefined) return;
  const turnId = integer(row.turn_id);
  items[field].set(turnId, bytes(id, `${field}[${turnId}]`, row.payload));
}

/**
 * The contexts of a `load` reply, in the order of `ids`: a main row (field NULL) per live
 * context and its item rows, in any order. Numbers are passed through unchecked (core validates the main
 * info and reports a bad one as corrupt, for that id only).
 */
export function parseLoadRows(
  ids: readonly string[],
  rows: readonly SqlRow[],
): (StoredContext | undefined)[] {
  const out: (StoredContext | undefined)[] = ids.map(() => undefined);
  const items: SqlRow[] = [];
  for (const row of rows) {
    const index = integer(row.n) - 1;
    const id = ids[index];
    if (id === undefined) continue;
    if (row.field !== null) {
      items.push(row);
      continue;
    }
    const expiresAt = row.expires_at;
    out[index] = {
      main: {
        version: integer(row.version),
        currentTurnId: integer(row.current_turn),
        createdAt: integer(row.created_at),
        updatedAt: integer(row.updated_at),
        ...(expiresAt === null || expiresAt === undefined ? {} : { expiresAt: integer(expiresAt) }),
        misc: bytes(id, 'misc', row.payload),
        frameworkData: bytes(id, 'frameworkData', row.framework),
      },
      items: emptyItems(),
    };
  }
  for (const row of items) {
    const index = integer(row.n) - 1;
    const context = out[index];
    if (context !== undefined) addItem(ids[index]!, context.items, row);
  }
  return out;
}

/** The items of a `loadItems` reply. */
export function parseItemRows(id: string, rows: readonly SqlRow[]): Record<TurnField, StoredItems> {
  const items = emptyItems();
  for (const row of rows) addItem(id, items, row);
  return items;
}

/** The outcomes of a `write` reply, in the order of the writes (`w_ord` is 1-based). */
export function parseWriteRows(count: number, rows: readonly SqlRow[]): WriteOutcome[] {
  const out: (WriteOutcome | undefined)[] = new Array(count).fill(undefined);
  for (const row of rows) {
    const version = row.w_version === null ? undefined : integer(row.w_version);
    out[integer(row.w_ord) - 1] =
      row.w_ok === true
        ? { ok: true, version: version ?? Number.NaN }
        : { ok: false, actualVersion: version };
  }
  if (out.some((outcome) => outcome === undefined)) {
    throw new Error(`write_contexts answered ${rows.length} rows for ${count} writes`);
  }
  return out as WriteOutcome[];
}

/** One page of `listIds`: at most `pageSize` ids; `rows` holds one more when the listing goes on. */
export function parseIdPage(rows: readonly SqlRow[], pageSize: number): IdPage {
  const ids = rows.slice(0, pageSize).map((row) => idOfBytes(row.id as Uint8Array));
  const last = rows[pageSize - 1]?.id as Uint8Array | undefined;
  return {
    ids,
    cursor:
      rows.length > pageSize && last !== undefined ? Buffer.from(last).toString('hex') : undefined,
  };
}
