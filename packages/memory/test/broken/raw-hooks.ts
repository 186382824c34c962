/**
 * The raw hooks of `../memory-hooks.ts`, for storages of any {@link BrokenAdapter}. That file
 * checks `instanceof MemoryContextStorage`, which storages over a broken driver are not, and its
 * `reopen` would open the real adapter instead of the broken one. So `reopen` opens the broken
 * adapter again, and the other hooks run unchanged on a plain memory storage over the same store
 * and prefix (they only reach the store through it), so they stay in step with memory's own.
 */
import type { ConformanceHooks } from '@context-storage/core/conformance';
import { MemoryContextStorage, MemoryStore } from '../../src/index.js';
import { memoryHooks } from '../memory-hooks.js';
import type { BrokenAdapter, OnMemoryStore } from './common.js';

function onStore(storage: unknown): OnMemoryStore {
  const { store, prefix } = storage as Partial<OnMemoryStore>;
  if (!(store instanceof MemoryStore) || typeof prefix !== 'string') {
    throw new TypeError('not a storage on a MemoryStore');
  }
  return { store, prefix };
}

/** A real memory storage over the data of `storage`, for memory's raw hooks. */
function plainView(storage: unknown): MemoryContextStorage {
  return new MemoryContextStorage(onStore(storage));
}

/** Raw access to the memory backend under `adapter`; `reopen` opens the same adapter again. */
export function rawHooks(adapter: BrokenAdapter): ConformanceHooks {
  const { corrupt, readRaw, makeUnavailable } = memoryHooks;
  if (corrupt === undefined || readRaw === undefined || makeUnavailable === undefined) {
    throw new TypeError('memoryHooks lacks a raw hook');
  }
  return {
    async reopen(storage) {
      const { store, prefix } = onStore(storage);
      return adapter.open(store, prefix, { codec: storage.codec });
    },
    corrupt: (storage, id, target) => corrupt(plainView(storage), id, target),
    readRaw: (storage, id) => readRaw(plainView(storage), id),
    makeUnavailable: (storage) => makeUnavailable(plainView(storage)),
  };
}
