import { type Codec, jsonCodec } from './codec.js';
import { assertContextId, Context, type ContextBinding } from './context.js';
import { isContext } from './context-brand.js';
import type { ContextTypes } from './context-types.js';
import type {
  ContextStorageDriver,
  ContextWrite,
  LoadWindows,
  StorageCapabilities,
  WriteOutcome,
} from './driver.js';
import {
  ClosedStorageError,
  ConflictError,
  ConnectionError,
  InvalidArgumentError,
  isContextStorageError,
  UnsupportedOperationError,
} from './errors.js';
import { contextSaves, KeyedSerializer } from './serializer.js';
import {
  checkCount,
  checkTtl,
  DEFAULT_LATEST,
  DEFAULT_UPDATE_RETRIES,
  type IdsOptions,
  type LoadOptions,
  resolveWindows,
  type SaveOptions,
  type StorageOptions,
  type UpdateOptions,
  uniformWindows,
} from './storage-options.js';
import {
  decodeFetchedItems,
  decodeStoredContext,
  isCopy,
  type PreparedWrite,
  prepareSaves,
  prepareWrite,
  type SaveMode,
} from './stored-context.js';

/**
 * A store of dialog contexts: the user-facing API every adapter offers, built on the adapter's
 * {@link ContextStorageDriver} primitives.
 *
 * Every method is async and rejects only with `ContextStorageError` subclasses (a driver failure
 * that is not one becomes a `ConnectionError` with the original as `cause`); only the function
 * given to `update` may throw its own errors. Costs are stated per method in round trips to the
 * backend; none grows with the length of a dialog except those that ask for every turn.
 *
 * `T` types the contexts it loads and saves (see {@link ContextTypes}); `DBContextStorage` alone
 * is untyped. The types are the application's promise: a load does not validate them.
 */
export class DBContextStorage<T extends ContextTypes = ContextTypes> implements AsyncDisposable {
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
  /** How many times `update` retries after a conflict, unless a call says otherwise. */
  readonly updateRetries: number;
  /** The adapter's primitives. */
  protected readonly driver: ContextStorageDriver;
  readonly #binding: ContextBinding;
  /**
   * Version-checked writes per id, one after the other, when the backend cannot check and write
   * atomically across instances (invariant 2 of `setItems`).
   */
  readonly #idWrites = new KeyedSerializer<string>();
  /** Every call in flight, which `close()` waits for (invariant 3). */
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
    this.ttlMs = checkTtl(options.ttlMs, this.capabilities, this.name) ?? undefined;
    this.latest = resolveWindows(options.latest, uniformWindows(DEFAULT_LATEST));
    this.updateRetries = checkCount(
      options.updateRetries ?? DEFAULT_UPDATE_RETRIES,
      'updateRetries',
    );
    this.#binding = {
      location: driver.location,
      fetch: (id, request) =>
        this.#ask(async (driver) =>
          decodeFetchedItems(this.codec, id, await driver.loadItems(id, request)),
        ),
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
    return this.#ask(async (driver) => (await driver.has([id]))[0] === true);
  }

  /**
   * Loads the context stored under `id` with the latest turn items of each field (see
   * `options.latest`), or resolves `undefined` when there is none. One round trip, whatever the
   * length of the dialog.
   *
   * @throws `CorruptDataError` when what is stored cannot be read back
   */
  async getItem(id: string, options: LoadOptions = {}): Promise<Context<T> | undefined> {
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
  ): Promise<(Context<T> | undefined)[]> {
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
   * A context made by another copy of `@context-storage/core` (a second version nested by npm) is
   * saved like one of this copy: contexts are recognised by their brand, not by `instanceof`.
   *
   * @throws `ConflictError`, `CodecError`, `InvalidArgumentError` (nothing written; also for a
   * value that is not a context)
   */
  async setItem(id: string, context: Context<T>, options: SaveOptions = {}): Promise<void> {
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
    entries: Iterable<readonly [string, Context<T>]>,
    options: SaveOptions = {},
  ): Promise<void> {
    // What a save guarantees, and the one mechanism behind each:
    // 1. Saves of one context object run one after the other, whichever storage they go to
    //    (`contextSaves`, keyed by the object): a save prepared before the previous one committed
    //    would send a stale version and conflict with itself.
    // 2. Without cross-instance compare-and-set, version-checked writes of one id run one after
    //    the other inside this storage (`#idWrites`, keyed by id), so the driver's
    //    check-then-write cannot interleave (update() relies on it too).
    // 3. close() waits for every call in flight (`#inFlight`, through `#run`).
    // A save that waits for nothing captures the contexts as they are at the call: changes made
    // while it is in flight are left for the next save.
    const byId = new Map<string, Context<T>>();
    for (const [id, context] of entries) {
      assertContextId(id);
      if (!isContext(context)) {
        throw new InvalidArgumentError(`setItem expects a Context for id ${JSON.stringify(id)}`);
      }
      byId.delete(id);
      byId.set(id, context);
    }
    const ttlMs = this.#effectiveTtl(options.ttlMs);
    const contexts = [...new Set(byId.values())];
    const batch = [...byId];
    const copies = batch.filter(([id, context]) => isCopy(id, context, this.location));
    const prepare = () => prepareSaves(batch, this.codec, ttlMs, this.#binding);
    const preparedNow = !contextSaves.busy(contexts) && copies.length === 0 ? prepare() : undefined;
    await this.#run(() =>
      contextSaves.run(contexts, async () => {
        await Promise.all(copies.map(([, context]) => context.loadAll()));
        await this.#saveBatch(preparedNow ?? prepare());
      }),
    );
  }

  /**
   * Loads the context under `id` (or starts a new one), lets `change` modify it, and saves it
   * with a version check; on a conflict with another writer it starts over, up to `retries`
   * times, with a short random back-off. Concurrent updates of one id therefore lose nothing.
   * Resolves the saved context. Two round trips per attempt. `close()` waits for it.
   *
   * For an id with no stored context, `change` receives a new one (`version` 0) whose `misc` is
   * `{}`, whatever `T` declares: declare misc keys optional, or fill them when `version` is 0.
   *
   * @throws `ConflictError` when every attempt conflicted; whatever `change` throws (nothing is
   * written then)
   */
  async update(
    id: string,
    change: (context: Context<T>) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<Context<T>> {
    assertContextId(id);
    const retries = checkCount(options.retries ?? this.updateRetries, 'retries');
    const ttlMs = this.#effectiveTtl(options.ttlMs);
    const windows = resolveWindows(options.latest, this.latest);
    return this.#run(async () => {
      for (let attempt = 0; ; attempt++) {
        const [loaded] = await this.#load([id], windows);
        const context = loaded ?? (new Context<ContextTypes>(id) as Context<T>);
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
    });
  }

  /** Deletes the context under `id`; resolves whether one existed. One round trip. */
  async delItem(id: string): Promise<boolean> {
    return (await this.delItems([id])) > 0;
  }

  /** Deletes several contexts in one round trip; resolves how many existed. */
  async delItems(ids: readonly string[]): Promise<number> {
    for (const id of ids) assertContextId(id);
    const distinct = [...new Set(ids)];
    return this.#ask(async (driver) => (distinct.length === 0 ? 0 : driver.delete(distinct)));
  }

  /** Number of stored contexts of this storage (its own prefix only). */
  async len(): Promise<number> {
    return this.#ask((driver) => driver.count());
  }

  /** Deletes every context of this storage, and nothing outside its prefix. */
  async clear(): Promise<void> {
    return this.#ask((driver) => driver.clear());
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
      const page = await this.#ask((driver) => driver.listIds(cursor, Math.max(1, pageSize)));
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

  async #load(ids: readonly string[], windows: LoadWindows): Promise<(Context<T> | undefined)[]> {
    if (ids.length === 0) return [];
    const stored = await this.#call(() => this.driver.load(ids, windows));
    return ids.map((id, index) => {
      const entry = stored[index];
      // What is stored is what the application saved as T: the types are its promise.
      return entry === undefined
        ? undefined
        : (decodeStoredContext(id, entry, windows, this.codec, this.#binding) as Context<T>);
    });
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

  #effectiveTtl(ttlMs: number | null | undefined): number | undefined {
    const checked = checkTtl(ttlMs, this.capabilities, this.name);
    return checked === undefined ? this.ttlMs : (checked ?? undefined);
  }

  /**
   * Runs a call unless closed (checked now, or for calls made on behalf of an operation already
   * in flight, not at all) and tracks it so that `close()` waits for it.
   */
  #run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(new ClosedStorageError(this.name));
    const promise = operation();
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Sends writes to the driver. Without cross-instance compare-and-set, version-checked writes
   * are serialized per id so that the driver's check-then-write cannot interleave in this instance.
   */
  #write(writes: ContextWrite[]): Promise<WriteOutcome[]> {
    const write = () => this.#call(() => this.driver.write(writes));
    if (this.capabilities.crossInstanceCompareAndSet) return write();
    return this.#idWrites.run(
      writes.map((entry) => entry.id),
      write,
    );
  }

  /** Runs a driver call as {@link #run} does, failures typed as {@link #call} does. */
  #ask<T>(operation: (driver: ContextStorageDriver) => Promise<T>): Promise<T> {
    return this.#run(() => this.#call(() => operation(this.driver)));
  }

  /**
   * Calls the driver: the one place where a failure that is not a ContextStorageError becomes a
   * ConnectionError (with the original as `cause`), so nothing untyped reaches the user.
   */
  async #call<T>(operation: () => Promise<T>): Promise<T> {
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
}

function conflictOf(write: ContextWrite, actualVersion: number | undefined): ConflictError {
  return new ConflictError(write.id, write.expectedVersion ?? 0, actualVersion);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
