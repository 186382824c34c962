import { randomBytes } from 'node:crypto';
import type { DBContextStorage, StorageOptions } from '@context-storage/core';
import { undecodablePayload } from '@context-storage/core/adapter';
import type { ConformanceHooks } from '@context-storage/core/conformance';
import { pauseServer, resumeServer } from '@context-storage/redis-test-servers';
import type Keyv from 'keyv';
import { inject } from 'vitest';
import { type KeyvContextEntry, KeyvContextStorage } from '../src/index.js';

/**
 * Keyv's in-memory Map store, with a switch that makes every access fail as a store that went
 * down would: only for the outage test.
 */
export class SwitchableMap<K, V> extends Map<K, V> {
  down = false;
  #check(): void {
    if (this.down) throw new Error('the store is down (simulated)');
  }
  override get(key: K): V | undefined {
    this.#check();
    return super.get(key);
  }
  override set(key: K, value: V): this {
    this.#check();
    return super.set(key, value);
  }
  override delete(key: K): boolean {
    this.#check();
    return super.delete(key);
  }
  override has(key: K): boolean {
    this.#check();
    return super.has(key);
  }
  override entries(): MapIterator<[K, V]> {
    this.#check();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.#check();
    return super[Symbol.iterator]();
  }
}

/** A fresh random namespace. */
export function randomNamespace(): string {
  return `ns-${randomBytes(5).toString('hex')}`;
}

const GARBAGE = { base64: Buffer.from(undecodablePayload()).toString('base64') };

/** Corrupts and reads entries through a plain Keyv on the same store and namespace. */
function entryHooks(
  raw: (storage: DBContextStorage) => Keyv,
): Pick<ConformanceHooks, 'corrupt' | 'readRaw'> {
  return {
    async corrupt(storage, id, target) {
      const keyv = raw(storage);
      const entry = (await keyv.get(id)) as KeyvContextEntry;
      if (target === 'main') (entry as unknown as { version: unknown }).version = 'garbage';
      else if (target === 'misc') entry.misc = GARBAGE;
      else
        entry.items[({ labels: 'l', requests: 'q', responses: 'r' } as const)[target.field]][
          target.turnId
        ] = GARBAGE;
      await keyv.set(id, entry);
    },
    async readRaw(storage, id) {
      return raw(storage).get(id);
    },
  };
}

/**
 * One Keyv major version under test: its Keyv class and its @keyv/redis store class (typed as
 * keyv 5's; keyv 6's instances pass through the same methods).
 */
export interface KeyvRelease {
  /** Shown in row names, e.g. `keyv 6`. */
  label: string;
  Keyv: new (options: { store: unknown; namespace?: string }) => Keyv;
  KeyvRedis: new (url: string, options?: Record<string, unknown>) => object;
  /** `KeyvContextStorage.connect` with this release's keyv and @keyv/redis. */
  connect(uri: string, options?: StorageOptions): Promise<KeyvContextStorage>;
}

/** The rows of one Keyv release: the Map store and @keyv/redis on the throwaway server. */
export interface KeyvRows {
  release: KeyvRelease;
  /** One Map shared by every storage of the Map row, one namespace each. */
  mapStore: SwitchableMap<string, unknown>;
  openOnMap(namespace: string, options?: StorageOptions): KeyvContextStorage;
  mapHooks: ConformanceHooks;
  redisUrl: string;
  openOnRedis(namespace: string, options?: StorageOptions): Promise<KeyvContextStorage>;
  redisHooks: ConformanceHooks;
  /** A plain Keyv on @keyv/redis, for tests that look beside the storage. */
  rawRedis(namespace: string): Keyv;
  /** Closes the raw clients the hooks opened. */
  closeRawClients(): Promise<void>;
}

/** Builds the rows of one release. */
export function keyvRows(release: KeyvRelease): KeyvRows {
  const { Keyv: KeyvClass, KeyvRedis } = release;
  const mapStore = new SwitchableMap<string, unknown>();
  const openOnMap = (namespace: string, options?: StorageOptions) =>
    new KeyvContextStorage(new KeyvClass({ store: mapStore, namespace }), options);

  const standalone = inject('redis').standalone;
  const redisUrl = standalone?.url ?? '';
  // 3 s per call: the several-MB value took 2.1 s through @keyv/redis on a loaded 2-core CI
  // machine, and the outage test waits out this bound once per call (12 calls).
  const openOnRedis = (namespace: string, options?: StorageOptions) =>
    release.connect(
      `${redisUrl.replace('redis://', 'keyv+redis://')}?namespace=${namespace}&commandTimeoutMs=3000&connectTimeoutMs=5000`,
      options,
    );
  const rawClients = new Map<string, Keyv>();
  const rawRedis = (namespace: string) => {
    let keyv = rawClients.get(namespace);
    if (keyv === undefined) {
      keyv = new KeyvClass({ store: new KeyvRedis(redisUrl), namespace });
      rawClients.set(namespace, keyv);
    }
    return keyv;
  };
  return {
    release,
    mapStore,
    openOnMap,
    mapHooks: {
      ...entryHooks((storage) => (storage as KeyvContextStorage).keyv),
      reopen: async (storage) =>
        openOnMap((storage as KeyvContextStorage).namespace, { codec: storage.codec }),
      async makeUnavailable() {
        mapStore.down = true;
        return async () => {
          mapStore.down = false;
        };
      },
    },
    redisUrl,
    openOnRedis,
    redisHooks: {
      ...entryHooks((storage) => rawRedis((storage as KeyvContextStorage).namespace)),
      reopen: (storage) =>
        openOnRedis((storage as KeyvContextStorage).namespace, { codec: storage.codec }),
      ...(standalone === undefined || standalone.external
        ? {}
        : {
            async makeUnavailable() {
              pauseServer(standalone.server);
              return async () => {
                resumeServer(standalone.server);
              };
            },
          }),
    },
    rawRedis,
    async closeRawClients() {
      await Promise.all([...rawClients.values()].map((keyv) => keyv.disconnect()));
      rawClients.clear();
    },
  };
}
