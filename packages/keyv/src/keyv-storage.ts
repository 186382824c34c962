import {
  type ClientAdapterOptions,
  ConnectionError,
  type ContextTypes,
  DBContextStorage,
  InvalidArgumentError,
} from '@context-storage/core';
import {
  importClientLibrary,
  mergeOptions,
  storageLocation,
  withDeadline,
} from '@context-storage/core/adapter';
import type KeyvRedis from '@keyv/redis';
import type Keyv from 'keyv';
import { KeyvDriver } from './keyv-driver.js';
import { DEFAULT_NAMESPACE, parseKeyvRedisUri } from './keyv-uri.js';
import { backingStore, keyvCall } from './keyv-versions.js';

const PACKAGE = '@context-storage/keyv';

/** Options of a {@link KeyvContextStorage}. */
export interface KeyvStorageOptions extends ClientAdapterOptions {
  /**
   * The namespace. A Keyv you pass in carries its own: `prefix`, if given, must equal it. Opening
   * from a URI, it overrides the URI's `prefix` (or `namespace`); default `ctx`.
   */
  prefix?: string;
  /**
   * Identifies the data (see `DBContextStorage#location`). Default: the store object and the
   * namespace, so storages over one store and namespace in this process share it.
   */
  location?: string;
}

const storeIds = new WeakMap<object, string>();
let storeCount = 0;

/**
 * Context storage over any Keyv instance and its namespace: Keyv's in-memory Map, @keyv/redis,
 * sqlite, postgres, mongo... One Keyv entry per context (chosen by measurement, see the README).
 *
 * Guarantees: every save of one context is one entry write (never half a turn), TTL per context,
 * version checks that hold within this storage instance (concurrent `update` calls through it
 * lose nothing). Not across processes: Keyv has no conditional write, so two processes saving one
 * context at the same moment may lose one's turn; use a Redis adapter for that.
 *
 * The Keyv must have a namespace (the storage's isolation: `clear()` clears it, never another
 * one). A failing store is reported as a `ConnectionError`, never read as a missing context:
 * on keyv 5 the storage sets the Keyv's `throwOnErrors`; on keyv 6 (which dropped it) it adds an
 * 'error' listener that fails the call during which Keyv reported the error. Works with keyv 5
 * and 6 (tested on both).
 */
export class KeyvContextStorage<T extends ContextTypes = ContextTypes> extends DBContextStorage<T> {
  /** The Keyv instance. */
  readonly keyv: Keyv;
  /** Its namespace: this storage's prefix. */
  readonly prefix: string;

  /**
   * @param keyv - a Keyv instance with a namespace
   * @param options - timeout, ownership, location and the common storage options
   * @throws {@link InvalidArgumentError} for a Keyv without namespace, or a `prefix` that is not
   *   its namespace
   */
  constructor(keyv: Keyv, options: KeyvStorageOptions = {}) {
    const namespace = keyv.namespace;
    if (typeof namespace !== 'string' || namespace === '') {
      throw new InvalidArgumentError(
        'the Keyv needs a namespace (new Keyv({ namespace: "contexts", ... })): it isolates the contexts, and clear() would otherwise clear the whole store',
      );
    }
    if (options.prefix !== undefined && options.prefix !== namespace) {
      throw new InvalidArgumentError(
        `prefix "${options.prefix}" differs from the Keyv's namespace "${namespace}": the namespace is the prefix`,
      );
    }
    // keyv 5 reports a failing store as a missing value unless told to throw; keyv 6 has no such
    // switch (the driver finds its failures through the 'error' event instead).
    keyv.throwOnErrors = true;
    const location =
      options.location ?? storageLocation(`keyv://${storeId(backingStore(keyv.store))}`, namespace);
    super(
      new KeyvDriver(
        keyv,
        location,
        options.closeClient ?? false,
        options.commandTimeoutMs ?? 5_000,
      ),
      options,
    );
    this.keyv = keyv;
    this.prefix = namespace;
  }

  /** Same as {@link prefix}: the Keyv namespace. */
  get namespace(): string {
    return this.prefix;
  }

  /**
   * Opens a storage over @keyv/redis from `keyv+redis://[user[:password]@]host[:port][/db]` (or
   * `keyv+rediss://` for TLS), with the query options `prefix` (alias `namespace`; default
   * `ctx`), `connectTimeoutMs` (default 10,000), `commandTimeoutMs` (default 5,000) and the
   * common storage options; programmatic `options` win over the query's. keyv and @keyv/redis are
   * imported only now. Fails fast: a server that cannot be reached rejects within
   * `connectTimeoutMs` with the cause. The storage owns the client unless `closeClient: false`.
   *
   * @throws `InvalidUriError`, `ConnectionError`; `MissingPackageError` when keyv or @keyv/redis
   *   is not installed
   */
  static async connect<T extends ContextTypes = ContextTypes>(
    uri: string,
    options: KeyvStorageOptions = {},
  ): Promise<KeyvContextStorage<T>> {
    return connectKeyvRedis<T>(uri, options, async () => {
      const [{ Keyv }, { default: KeyvRedis }] = await Promise.all([
        importClientLibrary('keyv', PACKAGE, () => import('keyv')),
        importClientLibrary('@keyv/redis', PACKAGE, () => import('@keyv/redis')),
      ]);
      return { Keyv, KeyvRedis };
    });
  }
}

/** The classes `connect` builds on, imported when it runs. */
export interface KeyvRedisClasses {
  Keyv: typeof Keyv;
  KeyvRedis: typeof KeyvRedis;
}

/**
 * `KeyvContextStorage.connect` over the given keyv and @keyv/redis (the tests pass each release
 * they run; the package imports the ones installed beside it).
 */
export async function connectKeyvRedis<T extends ContextTypes = ContextTypes>(
  uri: string,
  options: KeyvStorageOptions,
  importClasses: () => Promise<KeyvRedisClasses>,
): Promise<KeyvContextStorage<T>> {
  const target = parseKeyvRedisUri(uri);
  const merged = mergeOptions<KeyvStorageOptions>(
    target.options,
    { prefix: target.prefix, commandTimeoutMs: target.commandTimeoutMs, closeClient: true },
    options,
  );
  const namespace = merged.prefix ?? DEFAULT_NAMESPACE;
  const { Keyv, KeyvRedis } = await importClasses();
  const store = new KeyvRedis(target.redisUrl, {
    throwOnConnectError: true,
    throwOnErrors: true,
    connectionTimeout: target.connectTimeoutMs,
    useUnlink: true,
  });
  const keyv = new Keyv({ store, namespace, throwOnErrors: true });
  keyv.on('error', () => {}); // failures reach the caller; no unhandled 'error' event
  try {
    await withDeadline(
      keyvCall(keyv, () => keyv.get('connection-check')),
      target.connectTimeoutMs,
      () => new Error(`no answer within ${target.connectTimeoutMs} ms`),
    );
  } catch (cause) {
    await keyv.disconnect().catch(() => {});
    throw new ConnectionError(
      `cannot connect to ${target.redactedUri}: ${(cause as Error).message}`,
      { cause },
    );
  }
  try {
    return new KeyvContextStorage<T>(keyv, {
      ...merged,
      prefix: namespace,
      location: storageLocation(target.backend, namespace),
    });
  } catch (error) {
    await keyv.disconnect().catch(() => {});
    throw error;
  }
}

function storeId(store: unknown): string {
  if (typeof store !== 'object' || store === null) return 'unknown-store';
  let id = storeIds.get(store);
  if (id === undefined) {
    id = `store-${++storeCount}`;
    storeIds.set(store, id);
  }
  return id;
}
