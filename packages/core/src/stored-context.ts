import { windowTurnIds } from './adapter/windows.js';
import { type Codec, decodePayload, type Payload } from './codec.js';
import { Context, type ContextBinding, contextState, contextTurns } from './context.js';
import type { ContextTypes } from './context-types.js';
import {
  type ContextWrite,
  type ItemRef,
  type ItemWrite,
  type LoadWindows,
  type StoredContext,
  type StoredItems,
  TURN_FIELDS,
  type TurnField,
} from './driver.js';
import { CodecError, CorruptDataError, InvalidArgumentError } from './errors.js';
import { type LoadedItem, mergeLoaded } from './turn-map.js';

/**
 * Turns what a driver loaded into a live {@link Context} bound to its storage. Validates the main
 * info and decodes every payload now, so damage surfaces at load time as a `CorruptDataError`
 * naming this context, never later inside a getter.
 */
export function decodeStoredContext(
  id: string,
  stored: StoredContext,
  windows: LoadWindows,
  codec: Codec,
  binding: ContextBinding,
): Context {
  const { main } = stored;
  const version = checkInteger(id, 'main.version', main.version, 1);
  const currentTurnId = checkInteger(id, 'main.currentTurnId', main.currentTurnId, 0);
  const createdAt = checkTimestamp(id, 'main.createdAt', main.createdAt);
  const updatedAt = checkTimestamp(id, 'main.updatedAt', main.updatedAt);
  const expiresAt =
    main.expiresAt === undefined ? undefined : checkTimestamp(id, 'main.expiresAt', main.expiresAt);
  const misc = decodeRecord(codec, id, 'misc', main.misc);
  const frameworkData = decodeRecord(codec, id, 'frameworkData', main.frameworkData);

  const context = new Context(id, { misc, frameworkData, createdAt });
  context.currentTurnId = currentTurnId;
  const state = contextState(context);
  Object.assign(state, {
    version,
    updatedAt,
    expiresAt,
    binding,
    miscBaseline: main.misc,
    frameworkDataBaseline: main.frameworkData,
  });
  for (const field of TURN_FIELDS) {
    const window = windows[field];
    const requested = window === 'all' ? 'all' : windowTurnIds(currentTurnId, window);
    mergeLoaded(
      contextTurns(context, field),
      requested,
      decodeItems(codec, id, field, stored.items[field]),
    );
  }
  return context;
}

/** Decodes the stored items of one field; each failure names `field[turnId]`. */
export function decodeItems(
  codec: Codec,
  id: string,
  field: TurnField,
  items: StoredItems | undefined,
): Map<number, LoadedItem> {
  const out = new Map<number, LoadedItem>();
  if (items === undefined) return out;
  for (const [turnId, payload] of items) {
    out.set(turnId, { value: decodePayload(codec, id, `${field}[${turnId}]`, payload), payload });
  }
  return out;
}

/** Decodes the items of every field a driver's `loadItems` returned (a lazy load's answer). */
export function decodeFetchedItems(
  codec: Codec,
  id: string,
  stored: Partial<Record<TurnField, StoredItems>>,
): Record<TurnField, Map<number, LoadedItem>> {
  const out = {} as Record<TurnField, Map<number, LoadedItem>>;
  for (const field of TURN_FIELDS) out[field] = decodeItems(codec, id, field, stored[field]);
  return out;
}

/** How a save treats the stored context. */
export type SaveMode =
  /** Version-checked write of the changes of a context loaded from this storage under this id. */
  | { kind: 'changes' }
  /** Whole-context overwrite, with an optional version check (0: must not exist yet). */
  | { kind: 'replace'; expectedVersion?: number };

/** A prepared write and what to apply to the context once the backend accepted it. */
export interface PreparedWrite {
  write: ContextWrite;
  /** Records a successful save in the context: new version, clean change tracking. */
  commit(version: number): void;
}

/**
 * Builds the write of `context` under `id`: only the changes (items set, deleted or mutated in
 * place, main info, misc and frameworkData only when their encoded value changed) for
 * `changes`, everything loaded for `replace`. Encoding here is what refuses values the codec
 * cannot round-trip, before anything is sent.
 *
 * `commit` records a successful save in the context, unless the save was a copy (to another id or
 * another location), which leaves the context as it was, bound to where it came from.
 *
 * @throws `CodecError` naming the path of a value that cannot be stored, `InvalidArgumentError`
 * for main info that could not be read back (a `currentTurnId` that is not an integer...)
 */
export function prepareWrite<T extends ContextTypes>(
  id: string,
  context: Context<T>,
  mode: SaveMode,
  codec: Codec,
  ttlMs: number | undefined,
  binding: ContextBinding,
): PreparedWrite {
  const state = contextState(context);
  assertSavable(context);
  const now = Date.now();
  const expiresAt = ttlMs === undefined ? undefined : now + ttlMs;
  const encode = (value: unknown, path: string) => encodeValue(codec, value, path);
  const misc = encode(context.misc, 'misc');
  const frameworkData = encode(context.frameworkData, 'frameworkData');
  const incremental = mode.kind === 'changes';

  const set: ItemWrite[] = [];
  const deleted: ItemRef[] = [];
  const saved: Record<TurnField, Map<number, Payload>> = {
    labels: new Map(),
    requests: new Map(),
    responses: new Map(),
  };
  // The generations sent: only these changes are cleared by the commit.
  const sent = new Map<TurnField, { changed: Map<number, number>; deleted: Map<number, number> }>();
  for (const field of TURN_FIELDS) {
    const items = contextTurns(context, field);
    sent.set(field, { changed: new Map(items.changed), deleted: new Map(items.deleted) });
    for (const [turnId, value] of items.values) {
      const path = `${field}[${turnId}]`;
      const baseline = items.baseline.get(turnId);
      if (incremental && !items.changed.has(turnId) && baseline !== undefined) {
        // Only an object handed out or in since the load can have been mutated, in place.
        if (!items.lent.has(turnId)) continue;
        const payload = encode(value, path);
        if (samePayload(payload, baseline)) continue;
        saved[field].set(turnId, payload);
        set.push({ field, turnId, payload });
        continue;
      }
      const payload = encode(value, path);
      saved[field].set(turnId, payload);
      set.push({ field, turnId, payload });
    }
    if (incremental) {
      for (const turnId of items.deleted.keys()) deleted.push({ field, turnId });
    }
  }

  const unchanged = (payload: Payload, baseline: Payload | undefined) =>
    incremental && baseline !== undefined && samePayload(payload, baseline);
  const write: ContextWrite = {
    id,
    replace: !incremental,
    main: {
      currentTurnId: context.currentTurnId,
      createdAt: state.createdAt,
      updatedAt: now,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(unchanged(misc, state.miscBaseline) ? {} : { misc }),
      ...(unchanged(frameworkData, state.frameworkDataBaseline) ? {} : { frameworkData }),
    },
    set,
    delete: deleted,
  };
  if (mode.kind === 'changes') {
    write.expectedVersion = state.version;
    write.expectedCreatedAt = state.createdAt;
  } else if (mode.expectedVersion !== undefined) {
    write.expectedVersion = mode.expectedVersion;
  }

  const isCopy =
    context.id !== id ||
    (state.binding !== undefined && state.binding.location !== binding.location);
  const commit = (version: number): void => {
    if (isCopy) return;
    Object.assign(state, {
      version,
      updatedAt: now,
      expiresAt,
      binding,
      miscBaseline: misc,
      frameworkDataBaseline: frameworkData,
    });
    for (const field of TURN_FIELDS) {
      const items = contextTurns(context, field);
      const { changed, deleted: gone } = sent.get(field)!;
      for (const [turnId, payload] of saved[field]) {
        if (items.changed.get(turnId) === changed.get(turnId)) items.baseline.set(turnId, payload);
      }
      for (const [turnId, generation] of changed) {
        if (items.changed.get(turnId) === generation) items.changed.delete(turnId);
      }
      for (const [turnId, generation] of gone) {
        if (items.deleted.get(turnId) === generation) items.deleted.delete(turnId);
      }
      // After a whole-context overwrite the store holds exactly what is loaded here.
      if (!incremental) items.complete = true;
    }
  };
  return { write, commit };
}

/**
 * The writes of a `setItems` batch: a context loaded from (or saved to) the binding's location
 * under its own id is saved incrementally with its version check, any other one whole.
 *
 * @throws as {@link prepareWrite}
 */
export function prepareSaves<T extends ContextTypes>(
  entries: readonly (readonly [string, Context<T>])[],
  codec: Codec,
  ttlMs: number | undefined,
  binding: ContextBinding,
): PreparedWrite[] {
  return entries.map(([id, context]) =>
    prepareWrite(
      id,
      context,
      isBoundTo(id, context, binding.location) ? { kind: 'changes' } : { kind: 'replace' },
      codec,
      ttlMs,
      binding,
    ),
  );
}

/** True when `context` was loaded from `location` under `id`: saved there incrementally. */
function isBoundTo<T extends ContextTypes>(
  id: string,
  context: Context<T>,
  location: string,
): boolean {
  return context.id === id && contextState(context).binding?.location === location;
}

/**
 * True when saving `context` under `id` at `location` copies it from elsewhere (another location
 * or id): the copy is whole, so the context must first load what it has not loaded yet.
 */
export function isCopy<T extends ContextTypes>(
  id: string,
  context: Context<T>,
  location: string,
): boolean {
  return !isBoundTo(id, context, location) && contextState(context).binding !== undefined;
}

/** Encodes one value; any failure of the codec is a CodecError naming the path. */
function encodeValue(codec: Codec, value: unknown, path: string): Payload {
  try {
    return codec.encode(value, path);
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw new CodecError(path, `codec "${codec.name}" failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Refuses main info that the next load would report as corrupt. */
function assertSavable<T extends ContextTypes>(context: Context<T>): void {
  const { currentTurnId, createdAt, misc, frameworkData } = context;
  if (!Number.isSafeInteger(currentTurnId) || currentTurnId < 0) {
    throw new InvalidArgumentError(
      `currentTurnId must be a non-negative integer, got ${String(currentTurnId)}`,
    );
  }
  if (!Number.isFinite(createdAt)) {
    throw new InvalidArgumentError(`createdAt must be a timestamp in ms, got ${String(createdAt)}`);
  }
  for (const [name, value] of [
    ['misc', misc],
    ['frameworkData', frameworkData],
  ] as const) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidArgumentError(`${name} must be a plain object`);
    }
  }
}

/** Equal payloads; a text payload equals its UTF-8 bytes (a backend may give bytes back). */
function samePayload(a: Payload, b: Payload): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const left = typeof a === 'string' ? Buffer.from(a) : a;
  const right = typeof b === 'string' ? Buffer.from(b) : b;
  return left.byteLength === right.byteLength && Buffer.compare(left, right) === 0;
}

function decodeRecord(
  codec: Codec,
  id: string,
  part: string,
  payload: Payload | undefined,
): Record<string, unknown> {
  if (payload === undefined) throw new CorruptDataError(id, part, 'it is missing');
  const value = decodePayload(codec, id, part, payload);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CorruptDataError(id, part, 'it is not an object');
  }
  return value as Record<string, unknown>;
}

function checkInteger(id: string, part: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new CorruptDataError(id, part, `expected an integer >= ${min}, found ${String(value)}`);
  }
  return value;
}

function checkTimestamp(id: string, part: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CorruptDataError(id, part, `expected a timestamp in ms, found ${String(value)}`);
  }
  return value;
}
