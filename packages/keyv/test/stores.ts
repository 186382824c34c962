import { randomBytes } from 'node:crypto';
import type { DBContextStorage, StorageOptions } from '@context-storage/core';
import { undecodablePayload } from '@context-storage/core/adapter';
import type { ConformanceHooks } from '@context-storage/core/conformance';
import { pauseServer, resumeServer } from '@context-storage/redis-test-servers';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
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

/** The Map-store row: one Map shared by every storage of the suite, one namespace each. */
export const mapStore = new SwitchableMap<string, unknown>();

export function openOnMap(namespace: string, options?: StorageOptions): KeyvContextStorage {
  return new KeyvContextStorage(new Keyv({ store: mapStore, namespace }), options);
}

export const mapHooks: ConformanceHooks = {
  ...entryHooks((storage) => (storage as KeyvContextStorage).keyv),
  reopen: async (storage) =>
    openOnMap((storage as KeyvContextStorage).namespace, { codec: storage.codec }),
  async makeUnavailable() {
    mapStore.down = true;
    return async () => {
      mapStore.down = false;
    };
  },
};

/** The @keyv/redis row, on the throwaway standalone server. */
const standalone = inject('redis').standalone;
export const redisUrl = standalone?.url ?? '';

export function openOnRedis(
  namespace: string,
  options?: StorageOptions,
): Promise<KeyvContextStorage> {
  // 3 s per call: the several-MB value took 2.1 s through @keyv/redis on a loaded 2-core CI
  // machine, and the outage test waits out this bound once per call (12 calls).
  return KeyvContextStorage.connect(
    `${redisUrl.replace('redis://', 'keyv+redis://')}?namespace=${namespace}&commandTimeoutMs=3000&connectTimeoutMs=5000`,
    options,
  );
}

const rawRedis = new Map<string, Keyv>();

export const redisHooks: ConformanceHooks = {
  ...entryHooks((storage) => {
    const namespace = (storage as KeyvContextStorage).namespace;
    let keyv = rawRedis.get(namespace);
    if (keyv === undefined) {
      keyv = new Keyv({ store: new KeyvRedis(redisUrl), namespace });
      rawRedis.set(namespace, keyv);
    }
    return keyv;
  }),
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
};

/** Closes the raw clients the hooks opened. */
export async function closeRawClients(): Promise<void> {
  await Promise.all([...rawRedis.values()].map((keyv) => keyv.disconnect()));
  rawRedis.clear();
}
