import type { ContextStorageAdapter } from '@context-storage/core';
import { KeyvContextStorage } from './keyv-storage.js';
import { KEYV_SCHEMES } from './keyv-uri.js';

/** The adapter that serves `keyv+redis://` URIs in `createContextStorage`. */
export const contextStorageAdapter: ContextStorageAdapter = {
  name: 'keyv',
  packageName: '@context-storage/keyv',
  schemes: KEYV_SCHEMES,
  create: (uri, options) => KeyvContextStorage.connect(uri, options),
};
