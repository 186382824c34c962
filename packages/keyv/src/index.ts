import { registerAdapter } from '@context-storage/core';
import { contextStorageAdapter } from './adapter.js';

export { contextStorageAdapter } from './adapter.js';
export { type KeyvContextEntry, KeyvDriver, type StoredPayload } from './keyv-driver.js';
export { KeyvContextStorage, type KeyvStorageOptions } from './keyv-storage.js';
export { KEYV_SCHEMES } from './keyv-uri.js';
export { keyvCapabilities } from './keyv-versions.js';

// Importing the package is enough for createContextStorage('keyv+redis://...') to find it.
registerAdapter(contextStorageAdapter);
