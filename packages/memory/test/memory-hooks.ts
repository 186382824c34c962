import { undecodablePayload } from '@context-storage/core/adapter';
import type { ConformanceHooks } from '@context-storage/core/conformance';
import { MemoryContextStorage, type MemoryEntry } from '../src/index.js';

function asMemory(storage: unknown): MemoryContextStorage {
  if (!(storage instanceof MemoryContextStorage)) throw new TypeError('not a memory storage');
  return storage;
}

function entryOf(storage: unknown, id: string): MemoryEntry | undefined {
  const memory = asMemory(storage);
  return memory.store.namespace(memory.prefix).get(id);
}

/** Raw access to the memory backend, for the conformance suite. */
export const memoryHooks: ConformanceHooks = {
  async reopen(storage) {
    const memory = asMemory(storage);
    return new MemoryContextStorage({
      store: memory.store,
      prefix: memory.prefix,
      codec: memory.codec,
    });
  },
  async corrupt(storage, id, target) {
    const entry = entryOf(storage, id);
    if (entry === undefined) throw new Error(`nothing stored under ${id}`);
    if (target === 'main') entry.version = Number.NaN;
    else if (target === 'misc') entry.misc = undecodablePayload();
    else entry.items[target.field].set(target.turnId, undecodablePayload());
  },
  async readRaw(storage, id) {
    // What a client of the store would see: an expired entry is gone, as in Redis.
    const entry = entryOf(storage, id);
    return entry?.expiresAt !== undefined && entry.expiresAt <= Date.now() ? undefined : entry;
  },
  async makeUnavailable(storage) {
    const { store } = asMemory(storage);
    store.setAvailable(false);
    return async () => store.setAvailable(true);
  },
};
