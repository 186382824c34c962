import { registerAdapter } from '@context-storage/core';
import { contextStorageAdapter } from './adapter.js';

export { contextStorageAdapter } from './adapter.js';
export { MEMORY_CAPABILITIES, MemoryDriver } from './memory-driver.js';
export { MemoryContextStorage, type MemoryStorageOptions } from './memory-storage.js';
export { type MemoryEntry, MemoryStore, namedMemoryStore } from './memory-store.js';

// Importing the package is enough for createContextStorage('memory://') to find it.
registerAdapter(contextStorageAdapter);
