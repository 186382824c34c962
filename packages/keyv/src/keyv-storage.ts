import { DBContextStorage, InvalidArgumentError, type StorageOptions } from '@context-storage/core';
import type Keyv from 'keyv';
import { KeyvDriver } from './keyv-driver.js';

/** Options of a {@link KeyvContextStorage}. */
export interface KeyvStorageOptions extends StorageOptions {
  /** Upper bound of every call to the store in ms (0: none). Default 5,000. */
  callTimeoutMs?: number;
  /** Disconnect the Keyv on `close()`. Default false: a Keyv you pass in stays yours. */
  closeKeyv?: boolean;
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
 * one). The storage sets its `throwOnErrors`, so that a failing store is reported as a
 * `ConnectionError` instead of being read as a missing context.
 */
export class KeyvContextStorage extends DBContextStorage {
  /** The Keyv instance. */
  readonly keyv: Keyv;
  /** Its namespace. */
  readonly namespace: string;

  /**
   * @param keyv - a Keyv instance with a namespace
   * @param options - timeout, ownership, location and the common storage options
   * @throws {@link InvalidArgumentError} for a Keyv without namespace
   */
  constructor(keyv: Keyv, options: KeyvStorageOptions = {}) {
    const namespace = keyv.namespace;
    if (typeof namespace !== 'string' || namespace === '') {
      throw new InvalidArgumentError(
        'the Keyv needs a namespace (new Keyv({ namespace: "contexts", ... })): it isolates the contexts, and clear() would otherwise clear the whole store',
      );
    }
    keyv.throwOnErrors = true;
    const location =
      options.location ?? `keyv://${storeId(keyv.store)}/${encodeURIComponent(namespace)}`;
    super(
      new KeyvDriver(keyv, location, options.closeKeyv ?? false, options.callTimeoutMs ?? 5_000),
      options,
    );
    this.keyv = keyv;
    this.namespace = namespace;
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
