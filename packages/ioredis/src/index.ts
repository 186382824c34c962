import { registerAdapter } from '@context-storage/core';
import { contextStorageAdapter } from './adapter.js';

export { RedisPermissionError } from '@context-storage/redis-layout';
export { contextStorageAdapter } from './adapter.js';
export type { IoRedisClient } from './ioredis-connection.js';
export { IoRedisContextStorage, type IoRedisStorageOptions } from './ioredis-storage.js';

// Importing the package is enough for createContextStorage('redis://...') to find it.
registerAdapter(contextStorageAdapter);
