import type { Payload } from './codec.js';

/** The three per-turn fields of a context. */
export type TurnField = 'labels' | 'requests' | 'responses';

/** The per-turn fields, in the order they are stored and reported. */
export const TURN_FIELDS: readonly TurnField[] = ['labels', 'requests', 'responses'];

/**
 * How many turn items of a field to load with a context: the latest `n` turn ids, that is the
 * window `(currentTurnId - n, currentTurnId]` (ids in the window with no item are gaps), or
 * `'all'` items the field holds.
 */
export type TurnWindow = number | 'all';

/** One {@link TurnWindow} per turn field. */
export type LoadWindows = Readonly<Record<TurnField, TurnWindow>>;

/** Turn items of one field, by turn id. */
export type StoredItems = Map<number, Payload>;

/** Which turn items to load, per field: the given turn ids, or every item the field holds. */
export type ItemsRequest = Readonly<Partial<Record<TurnField, readonly number[] | 'all'>>>;

/** The main info of a stored context: everything but the turn items. */
export interface StoredMain {
  /** Positive integer, incremented by every successful write. */
  version: number;
  /** Highest turn id in use. */
  currentTurnId: number;
  /** ms since epoch. */
  createdAt: number;
  /** ms since epoch of the last write. */
  updatedAt: number;
  /** ms since epoch at which the context expires, absent when it does not. */
  expiresAt?: number;
  /** Encoded `misc`. */
  misc: Payload;
  /** Encoded `frameworkData`. */
  frameworkData: Payload;
}

/** A context as a driver returns it: main info plus the requested turn items per field. */
export interface StoredContext {
  /** Main info; the storage validates it and reports damage as `CorruptDataError`. */
  main: StoredMain;
  /** Loaded turn items, per field. */
  items: Record<TurnField, StoredItems>;
}

/** Main info written by a {@link ContextWrite}; the driver sets `version` itself. */
export interface MainWrite {
  currentTurnId: number;
  createdAt: number;
  updatedAt: number;
  /**
   * ms since epoch (this process's clock) at which the whole context expires: every write sets it
   * again (a sliding TTL), and the driver makes the backend expire the context then (Redis: a
   * PEXPIRE of the ms left, at least 1). The one expiry of a write: the stored `expiresAt` and the
   * real expiry come from it. Absent: the context does not expire, and any earlier expiry is
   * removed.
   */
  expiresAt?: number;
  /** Absent: leave the stored `misc` as it is (always present when creating or replacing). */
  misc?: Payload;
  /** Absent: leave the stored `frameworkData` as it is (always present when creating or replacing). */
  frameworkData?: Payload;
}

/** One turn item to store. */
export interface ItemWrite {
  field: TurnField;
  turnId: number;
  payload: Payload;
}

/** One turn item to delete. */
export interface ItemRef {
  field: TurnField;
  turnId: number;
}

/**
 * The changes of one context, applied by {@link ContextStorageDriver.write} in ONE atomic step:
 * either all of it is stored, or (on a version mismatch or a failure) none of it.
 */
export interface ContextWrite {
  id: string;
  /**
   * Version check. `undefined`: last writer wins, no check. `0`: no context may be stored under
   * the id. `n > 0`: the stored context must be at version `n` and have been created at
   * `expectedCreatedAt`.
   */
  expectedVersion?: number;
  /**
   * With `expectedVersion > 0`: the stored `createdAt` must equal this too. Versions restart at 1
   * when a context is deleted (or expires) and created again; the creation time tells the new
   * dialog from the old one, so a stale writer of the old one cannot merge into it.
   */
  expectedCreatedAt?: number;
  /** True: first discard every stored turn item of the context (a whole-context overwrite). */
  replace: boolean;
  main: MainWrite;
  set: readonly ItemWrite[];
  delete: readonly ItemRef[];
}

/** Result of one {@link ContextWrite}. */
export type WriteOutcome =
  | { ok: true; version: number }
  | { ok: false; actualVersion: number | undefined };

/** One page of {@link ContextStorageDriver.listIds}. */
export interface IdPage {
  ids: string[];
  /** Pass back to get the next page; `undefined` when the listing is complete. */
  cursor: string | undefined;
}

/**
 * What a backend declares it can guarantee. The conformance suite tests every capability declared
 * true and skips, by name, the tests of those declared false.
 */
export interface StorageCapabilities {
  /** Contexts expire by themselves after their TTL, enforced by the backend. */
  ttl: boolean;
  /**
   * The version check and the write of one context are one atomic step across every process and
   * storage instance sharing the backend. When false, the storage serializes version-checked
   * writes per id inside its own instance, so concurrent `update` calls through one instance
   * still lose nothing.
   */
  crossInstanceCompareAndSet: boolean;
  /** `ids()` can list the stored ids. */
  listIds: boolean;
}

/**
 * The primitive operations an adapter implements; `DBContextStorage` builds the whole user-facing
 * API on them. Every operation is atomic for one context and should cost one round trip to the
 * backend whatever the number of ids in a batch and whatever the length of the dialog.
 *
 * Ids are non-empty, well-formed strings; the storage validated them. Payloads are opaque.
 * Failures to reach the backend must be thrown as `ConnectionError`, structurally unreadable
 * stored data as `CorruptDataError`. See docs/adapters.md for the exact semantics.
 */
export interface ContextStorageDriver {
  /** Adapter name used in messages, for example `memory` or `ioredis`. */
  readonly name: string;
  /**
   * Identifies the data this driver reads and writes: two drivers with equal locations see the
   * same contexts (same server and database, same prefix), like `redis://h:6379/0#ctx`. A context
   * loaded through one storage and saved through another of the same location gets its version
   * check; saved to another location, it is copied. Must not contain a password.
   */
  readonly location: string;
  /** What this backend guarantees. */
  readonly capabilities: StorageCapabilities;
  /**
   * Loads main info plus, per field, the items inside its window. Result `i` answers `ids[i]`
   * (`undefined`: no such context, or it expired). Duplicated ids are allowed.
   */
  load(ids: readonly string[], windows: LoadWindows): Promise<(StoredContext | undefined)[]>;
  /**
   * Loads the given turn items of one context (per field: a list of turn ids, or `'all'`).
   * Missing items are absent from the result; an unknown context gives empty maps.
   */
  loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>>;
  /** Applies each write atomically (batch: one round trip); result `i` answers `writes[i]`. */
  write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]>;
  /** Whether each id is stored (and not expired). */
  has(ids: readonly string[]): Promise<boolean[]>;
  /** Deletes the contexts, returning how many existed. Ids are distinct. */
  delete(ids: readonly string[]): Promise<number>;
  /** Number of stored contexts of this storage (its own prefix or namespace only). */
  count(): Promise<number>;
  /**
   * One page of stored ids, about `pageSize` long. Ids stored for the whole listing are returned
   * at least once; ids written or deleted meanwhile may or may not appear.
   */
  listIds(cursor: string | undefined, pageSize: number): Promise<IdPage>;
  /** Deletes every context of this storage, and nothing else. */
  clear(): Promise<void>;
  /** Releases connections and timers; called once. */
  close(): Promise<void>;
}
