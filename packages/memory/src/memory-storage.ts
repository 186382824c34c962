import { type AdapterOptions, type ContextTypes, DBContextStorage } from '@context-storage/core';
import { mergeOptions } from '@context-storage/core/adapter';
import { MemoryDriver } from './memory-driver.js';
import { MemoryStore, namedMemoryStore } from './memory-store.js';
import { parseMemoryUri } from './memory-uri.js';

/** Options of {@link MemoryContextStorage}. */
export interface MemoryStorageOptions extends AdapterOptions {
  /** Where contexts live; share one store between storages to share data. Default: a new one. */
  store?: MemoryStore;
  /** Namespace inside the store; storages with different prefixes never see each other. Default `''`. */
  prefix?: string;
}

/**
 * Context storage in this process's memory: the embedded default (`memory://`). Enforces TTL,
 * checks versions atomically and copies payloads in and out, so it behaves like a real backend,
 * minus persistence: everything is lost when the process exits.
 *
 * Every operation costs O(1) per context and item, except `len` and `ids` (a scan of the
 * storage's contexts to drop expired ones).
 */
export class MemoryContextStorage<
  T extends ContextTypes = ContextTypes,
> extends DBContextStorage<T> {
  /** The store holding this storage's contexts. */
  readonly store: MemoryStore;
  /** This storage's namespace in the store. */
  readonly prefix: string;

  /** @param options - store, prefix, and the common storage options */
  constructor(options: MemoryStorageOptions = {}) {
    const store = options.store ?? new MemoryStore();
    const prefix = options.prefix ?? '';
    super(new MemoryDriver(store, prefix), options);
    this.store = store;
    this.prefix = prefix;
  }

  /**
   * Opens a storage from `memory://` (a fresh private store) or `memory://name` (the
   * process-wide store called `name`, shared by every storage opened with it), with the query
   * options every adapter accepts (`prefix`, `ttlMs`, `codec`, `latest`...). Programmatic
   * `options` win over the query's. No I/O: it resolves at once.
   *
   * @throws `InvalidUriError` for anything else (a path, a port, credentials, unknown options)
   */
  static async connect<T extends ContextTypes = ContextTypes>(
    uri: string,
    options: MemoryStorageOptions = {},
  ): Promise<MemoryContextStorage<T>> {
    const { storeName, options: fromUri } = parseMemoryUri(uri);
    return new MemoryContextStorage({
      ...mergeOptions<MemoryStorageOptions>(fromUri, options),
      store:
        options.store ??
        (storeName === undefined ? new MemoryStore() : namedMemoryStore(storeName)),
    });
  }
}
