import type { ContextStorageAdapter } from '@context-storage/core';
import { REDIS_SCHEMES } from '@context-storage/redis-layout';
import { NodeRedisContextStorage } from './node-redis-storage.js';

/** The adapter serving the Redis URI schemes through node-redis in `createContextStorage`. */
export const contextStorageAdapter: ContextStorageAdapter = {
  name: 'node-redis',
  packageName: '@context-storage/node-redis',
  schemes: REDIS_SCHEMES,
  create: (uri, options) => NodeRedisContextStorage.connect(uri, options),
};
