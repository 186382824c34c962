import type { ContextStorageAdapter } from '@context-storage/core';
import { REDIS_SCHEMES } from '@context-storage/redis-layout';
import { IoRedisContextStorage } from './ioredis-storage.js';

/** The adapter serving the Redis URI schemes through ioredis in `createContextStorage`. */
export const contextStorageAdapter: ContextStorageAdapter = {
  name: 'ioredis',
  packageName: '@context-storage/ioredis',
  schemes: REDIS_SCHEMES,
  create: (uri, options) => IoRedisContextStorage.connect(uri, options),
};
