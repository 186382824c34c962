import type { ContextStorageAdapter } from '@context-storage/core';
import { MemoryContextStorage } from './memory-storage.js';

/** The adapter that serves `memory://` URIs in `createContextStorage`. */
export const contextStorageAdapter: ContextStorageAdapter = {
  name: 'memory',
  packageName: '@context-storage/memory',
  schemes: ['memory'],
  create: (uri, options) => MemoryContextStorage.connect(uri, options),
};
