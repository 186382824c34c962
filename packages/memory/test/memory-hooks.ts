import type { ConformanceHooks } from '@context-storage/core/conformance';
import { MemoryContextStorage, type MemoryEntry } from '../src/index.js';

// Bytes that neither JSON (invalid UTF-8) nor MessagePack (0xc1 is never used) can decode.
const GARBAGE = new Uint8Array([0xc1, 0xff, 0xfe, 0x00]);

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
    else if (target === 'misc') entry.misc = GARBAGE;
    else entry.items[target.field].set(target.turnId, GARBAGE);
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
