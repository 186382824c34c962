import { type Codec, jsonCodec } from './codec.js';
import { assertContextId, Context, type ContextBinding, contextState } from './context.js';
import {
  type ContextStorageDriver,
  type ContextWrite,
  type LoadWindows,
  type StorageCapabilities,
  TURN_FIELDS,
  type TurnField,
  type TurnWindow,
  type WriteOutcome,
} from './driver.js';
import {
  ClosedStorageError,
  ConflictError,
  ConnectionError,
  InvalidArgumentError,
  isContextStorageError,
  UnsupportedOperationError,
} from './errors.js';
import {
  decodeItems,
  decodeStoredContext,
  type PreparedWrite,
  prepareWrite,
  type SaveMode,
} from './stored-context.js';
import type { LoadedItem } from './turn-map.js';

/** Turn items loaded with a context: one window for every field, or one per field. */
export type LatestOption = TurnWindow | Partial<Record<TurnField, TurnWindow>>;

/** Options of a storage, common to every adapter. */
export interface StorageOptions {
  /** Codec of every stored value. Default: {@link jsonCodec}. */
  codec?: Codec;
  /** Default time to live of a context, in ms, renewed by every write. Default: no expiry. */
  ttlMs?: number;
  /** Turn items loaded with a context. Default: the latest {@link DEFAULT_LATEST} of each field. */
  latest?: LatestOption;
  /** How many times `update` retries after a conflict. Default {@link DEFAULT_UPDATE_RETRIES}. */
  updateRetries?: number;
}

/** Options of a single load. */
export interface LoadOptions {
  /** Turn items to load, overriding the storage's `latest`. */
  latest?: LatestOption;
}

/** Options of a single save. */
export interface SaveOptions {
  /** Time to live of the saved contexts in ms, overriding the storage's; `null`: no expiry. */
  ttlMs?: number | null;
}

/** Options of {@link DBContextStorage.update}. */
export interface UpdateOptions extends LoadOptions, SaveOptions {
  /** How many times to retry after a conflict. Default: the storage's `updateRetries`. */
  retries?: number;
}

/** Options of {@link DBContextStorage.ids}. */
export interface IdsOptions {
  /** About how many ids each round trip fetches. Default 500. */
  pageSize?: number;
}

/** Default number of latest turn items loaded per field. */
export const DEFAULT_LATEST = 3;
/** Default number of retries of `update` after a conflict. */
export const DEFAULT_UPDATE_RETRIES = 25;

/**
 * A store of dialog contexts: the user-facing API every adapter offers, built on the adapter's
 * {@link ContextStorageDriver} primitives.
 *
 * Every method is async and rejects only with `ContextStorageError` subclasses (a driver failure
 * that is not one becomes a `ConnectionError` with the original as `cause`); only the function
 * given to `update` may throw its own errors. Costs are stated per method in round trips to the
 * backend; none grows with the length of a dialog except those that ask for every turn.
 */
export class DBContextStorage implements AsyncDisposable {
  /** Adapter name, for example `memory`. */
  readonly name: string;
  /** What the backend guarantees. */
  readonly capabilities: StorageCapabilities;
  /** Codec of every stored value. */
  readonly codec: Codec;
  /** Default TTL in ms, if any. */
  readonly ttlMs: number | undefined;
  /** Turn items loaded with a context, per field. */
  readonly latest: LoadWindows;
  /** The adapter's primitives. */
  protected readonly driver: ContextStorageDriver;
  readonly #updateRetries: number;
  readonly #binding: ContextBinding;
  /** Tail of the chain of writes per id, used when the backend has no cross-instance CAS. */
  readonly #writeTails = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  /**
   * @param driver - the adapter's primitive operations
   * @param options - codec, default TTL, load windows, update retries
   * @throws {@link InvalidArgumentError} for invalid options; `UnsupportedOperationError` for a
   * default TTL on a backend that cannot expire contexts
   */
  constructor(driver: ContextStorageDriver, options: StorageOptions = {}) {
    this.driver = driver;
    this.name = driver.name;
    this.capabilities = driver.capabilities;
    this.codec = options.codec ?? jsonCodec;
    this.ttlMs = this.#checkTtl(options.ttlMs) ?? undefined;
    this.latest = resolveWindows(options.latest, uniformWindows(DEFAULT_LATEST));
    this.#updateRetries = checkCount(
      options.updateRetries ?? DEFAULT_UPDATE_RETRIES,
      'updateRetries',
    );
    this.#binding = {
      location: driver.location,
      fetch: (id, request) =>
        this.#run(async () => {
          const stored = await this.driver.loadItems(id, request);
          const out = {} as Record<TurnField, Map<number, LoadedItem>>;
          for (const field of TURN_FIELDS) {
            out[field] = decodeItems(this.codec, id, field, stored[field]);
          }
          return out;
        }),
    };
  }

  /** True after `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Identifies the data of this storage (backend and prefix); never holds a password. */
  get location(): string {
    return this.driver.location;
  }

  /** Whether a context is stored under `id`. One round trip. */
  async contains(id: string): Promise<boolean> {
    assertContextId(id);
    return this.#run(async () => (await this.driver.has([id]))[0] === true);
  }

  /**
   * Loads the context stored under `id` with the latest turn items of each field (see
   * `options.latest`), or resolves `undefined` when there is none. One round trip, whatever the
   * length of the dialog.
   *
   * @throws `CorruptDataError` when what is stored cannot be read back
   */
  async getItem(id: string, options: LoadOptions = {}): Promise<Context | undefined> {
    return (await this.getItems([id], options))[0];
  }

  /**
   * Loads several contexts in one round trip; result `i` answers `ids[i]` (`undefined` when
   * missing). A repeated id gives independent copies.
   *
   * @throws `CorruptDataError` naming the first damaged context
   */
  async getItems(
    ids: readonly string[],
    options: LoadOptions = {},
  ): Promise<(Context | undefined)[]> {
    for (const id of ids) assertContextId(id);
    const windows = resolveWindows(options.latest, this.latest);
    return this.#run(() => this.#load(ids, windows));
  }

  /**
   * Saves `context` under `id`; one atomic round trip.
   *
   * A context loaded from (or saved to) a storage of the same location (backend and prefix) under
   * this id is saved incrementally: only its changes are written, and only if the stored context
   * is still the one it was loaded at (same version, same creation); otherwise a `ConflictError`
   * is raised and nothing is written. Any other context (a new one, or one from another location
   * or id) overwrites whatever is stored, last writer wins, as in Chatsky; a context from another
   * location is first loaded in full (one more round trip) and stays bound to where it came from.
   *
   * @throws `ConflictError`, `CodecError`, `InvalidArgumentError` (nothing written)
   */
  async setItem(id: string, context: Context, options: SaveOptions = {}): Promise<void> {
    await this.setItems([[id, context]], options);
  }

  /**
   * Saves several contexts in one round trip (plus one, in parallel, per context copied from
   * another location); each is saved as by {@link setItem}, atomically on its own: the batch is
   * not one transaction. A repeated id keeps the last entry. Saves of one context object run one
   * after the other.
   *
   * @throws `ConflictError` for the first rejected context, after the others were saved
   */
  async setItems(
    entries: Iterable<readonly [string, Context]>,
    options: SaveOptions = {},
  ): Promise<void> {
    const byId = new Map<string, Context>();
    for (const [id, context] of entries) {
      assertContextId(id);
      if (!(context instanceof Context)) {
        throw new InvalidArgumentError(`setItem expects a Context for id ${JSON.stringify(id)}`);
      }
      byId.delete(id);
      byId.set(id, context);
    }
    const ttlMs = this.#effectiveTtl(options.ttlMs);
    // Chain behind earlier saves of the same context objects (set synchronously, before any await).
    const contexts = [...new Set(byId.values())];
    const previous = contexts.flatMap((context) => contextState(context).saving ?? []);
    const batch = [...byId];
    const copies = batch.filter(([id, context]) => this.#isCopy(id, context));
    // Without an earlier save to wait for or a copy to load, the save captures the contexts as
    // they are now: changes made while it is in flight are left for the next save.
    const preparedNow =
      previous.length === 0 && copies.length === 0 ? this.#prepare(batch, ttlMs) : undefined;
    const saving = this.#run(async () => {
      await Promise.allSettled(previous);
      await Promise.all(copies.map(([, context]) => context.loadAll()));
      await this.#saveBatch(preparedNow ?? this.#prepare(batch, ttlMs));
    });
    for (const context of contexts) contextState(context).saving = saving;
    try {
      await saving;
    } finally {
      for (const context of contexts) {
        const state = contextState(context);
        if (state.saving === saving) state.saving = undefined;
      }
    }
  }

  /**
   * Loads the context under `id` (or starts a new one), lets `change` modify it, and saves it
   * with a version check; on a conflict with another writer it starts over, up to `retries`
   * times, with a short random back-off. Concurrent updates of one id therefore lose nothing.
   * Resolves the saved context. Two round trips per attempt. `close()` waits for it.
   *
   * @throws `ConflictError` when every attempt conflicted; whatever `change` throws (nothing is
   * written then)
   */
  async update(
    id: string,
    change: (context: Context) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<Context> {
    assertContextId(id);
    const retries = checkCount(options.retries ?? this.#updateRetries, 'retries');
    const ttlMs = this.#effectiveTtl(options.ttlMs);
    const windows = resolveWindows(options.latest, this.latest);
    return this.#run(async () => {
      for (let attempt = 0; ; attempt++) {
        const [loaded] = await this.#guarded(() => this.#load([id], windows));
        const context = loaded ?? new Context(id);
        await change(context);
        const mode: SaveMode =
          context.version === 0 ? { kind: 'replace', expectedVersion: 0 } : { kind: 'changes' };
        const prepared = prepareWrite(id, context, mode, this.codec, ttlMs, this.#binding);
        const [outcome] = await this.#write([prepared.write]);
        if (outcome?.ok) {
          prepared.commit(outcome.version);
          return context;
        }
        if (attempt >= retries) throw conflictOf(prepared.write, outcome?.actualVersion);
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
      }
    }, false);
  }

  /** Deletes the context under `id`; resolves whether one existed. One round trip. */
  async delItem(id: string): Promise<boolean> {
    return (await this.delItems([id])) > 0;
  }

  /** Deletes several contexts in one round trip; resolves how many existed. */
  async delItems(ids: readonly string[]): Promise<number> {
    for (const id of ids) assertContextId(id);
    const distinct = [...new Set(ids)];
    return this.#run(async () => (distinct.length === 0 ? 0 : this.driver.delete(distinct)));
  }

  /** Number of stored contexts of this storage (its own prefix only). */
  async len(): Promise<number> {
    return this.#run(() => this.driver.count());
  }

  /** Deletes every context of this storage, and nothing outside its prefix. */
  async clear(): Promise<void> {
    return this.#run(() => this.driver.clear());
  }

  /**
   * Every stored id, fetched page by page (one round trip per page; never all ids at once).
   * Ids stored during the whole iteration are yielded at least once; ids written or deleted
   * meanwhile may or may not be, and a backend that rehashes may yield an id twice. A page
   * requested after `close()` rejects with `ClosedStorageError`.
   *
   * @throws `UnsupportedOperationError` when the adapter cannot list ids
   */
  async *ids(options: IdsOptions = {}): AsyncGenerator<string, void, undefined> {
    const pageSize = checkCount(options.pageSize ?? 500, 'pageSize');
    if (!this.capabilities.listIds) throw new UnsupportedOperationError(this.name, 'list ids');
    let cursor: string | undefined;
    do {
      const page = await this.#run(() => this.driver.listIds(cursor, Math.max(1, pageSize)));
      yield* page.ids;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /**
   * Closes the storage: waits for calls in flight (an `update` included), then releases the
   * backend. Idempotent. Every later call rejects with `ClosedStorageError`.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      await this.driver.close();
    })();
    return this.#closing;
  }

  /** Same as {@link close}, for `await using storage = ...`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #load(ids: readonly string[], windows: LoadWindows): Promise<(Context | undefined)[]> {
    if (ids.length === 0) return [];
    const stored = await this.driver.load(ids, windows);
    return ids.map((id, index) => {
      const entry = stored[index];
      return entry === undefined
        ? undefined
        : decodeStoredContext(id, entry, windows, this.codec, this.#binding);
    });
  }

  #prepare(
    entries: readonly (readonly [string, Context])[],
    ttlMs: number | undefined,
  ): PreparedWrite[] {
    return entries.map(([id, context]) =>
      prepareWrite(
        id,
        context,
        this.#isBoundTo(id, context) ? { kind: 'changes' } : { kind: 'replace' },
        this.codec,
        ttlMs,
        this.#binding,
      ),
    );
  }

  async #saveBatch(prepared: readonly PreparedWrite[]): Promise<void> {
    if (prepared.length === 0) return;
    const outcomes = await this.#write(prepared.map((entry) => entry.write));
    let conflict: ConflictError | undefined;
    outcomes.forEach((outcome, index) => {
      const entry = prepared[index]!;
      if (outcome.ok) entry.commit(outcome.version);
      else conflict ??= conflictOf(entry.write, outcome.actualVersion);
    });
    if (conflict !== undefined) throw conflict;
  }

  /** A context bound to another location is copied whole: it must load what it has not yet. */
  #isCopy(id: string, context: Context): boolean {
    return !this.#isBoundTo(id, context) && contextState(context).binding !== undefined;
  }

  /** A context loaded from this storage's location under `id` is saved incrementally. */
  #isBoundTo(id: string, context: Context): boolean {
    return context.id === id && contextState(context).binding?.location === this.driver.location;
  }

  #checkTtl(ttlMs: number | null | undefined): number | null | undefined {
    const checked = checkTtl(ttlMs, 'ttlMs');
    if (typeof checked === 'number' && !this.capabilities.ttl) {
      throw new UnsupportedOperationError(this.name, 'expire contexts (ttlMs)');
    }
    return checked;
  }

  #effectiveTtl(ttlMs: number | null | undefined): number | undefined {
    const checked = this.#checkTtl(ttlMs);
    return checked === undefined ? this.ttlMs : (checked ?? undefined);
  }

  /**
   * Runs a call unless closed (checked now, or for calls made on behalf of an operation already
   * in flight, not at all), tracks it so that `close()` waits for it, and turns any failure that
   * is not a ContextStorageError into a ConnectionError.
   */
  #run<T>(operation: () => Promise<T>, wrapErrors = true): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(new ClosedStorageError(this.name));
    const promise = wrapErrors ? this.#guarded(operation) : operation();
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Sends writes to the driver. Without cross-instance compare-and-set, version-checked writes
   * are chained per id so that the driver's check-then-write cannot interleave in this instance.
   */
  #write(writes: ContextWrite[]): Promise<WriteOutcome[]> {
    return this.#guarded(() =>
      this.capabilities.crossInstanceCompareAndSet
        ? this.driver.write(writes)
        : this.#writeInTurn(writes),
    );
  }

  /** Runs a driver call, turning any failure that is not a ContextStorageError into a ConnectionError. */
  async #guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (isContextStorageError(error)) throw error;
      throw new ConnectionError(
        `the ${this.name} backend failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  async #writeInTurn(writes: ContextWrite[]): Promise<WriteOutcome[]> {
    const ids = [...new Set(writes.map((write) => write.id))];
    const previous = ids.flatMap((id) => this.#writeTails.get(id) ?? []);
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const id of ids) this.#writeTails.set(id, done);
    try {
      await Promise.all(previous);
      return await this.driver.write(writes);
    } finally {
      release();
      for (const id of ids) if (this.#writeTails.get(id) === done) this.#writeTails.delete(id);
    }
  }
}

function conflictOf(write: ContextWrite, actualVersion: number | undefined): ConflictError {
  return new ConflictError(write.id, write.expectedVersion ?? 0, actualVersion);
}

function uniformWindows(window: TurnWindow): LoadWindows {
  return { labels: window, requests: window, responses: window };
}

/** Applies a `latest` option over defaults, validating each window. */
export function resolveWindows(
  option: LatestOption | undefined,
  defaults: LoadWindows,
): LoadWindows {
  if (option === undefined) return defaults;
  const windows =
    typeof option === 'object'
      ? {
          ...defaults,
          ...Object.fromEntries(Object.entries(option).filter(([, value]) => value !== undefined)),
        }
      : uniformWindows(option);
  for (const field of TURN_FIELDS) {
    const window = windows[field];
    if (window !== 'all' && (!Number.isSafeInteger(window) || window < 0)) {
      throw new InvalidArgumentError(
        `latest.${field} must be a non-negative integer or 'all', got ${String(window)}`,
      );
    }
  }
  return windows;
}

function checkTtl(ttlMs: number | null | undefined, name: string): number | null | undefined {
  if (ttlMs === undefined || ttlMs === null) return ttlMs;
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new InvalidArgumentError(
      `${name} must be a positive integer of ms, got ${String(ttlMs)}`,
    );
  }
  return ttlMs;
}

function checkCount(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
