import { registerAdapter } from '@context-storage/core';
import { contextStorageAdapter } from './adapter.js';

export { RedisPermissionError } from '@context-storage/redis-layout';
export { contextStorageAdapter } from './adapter.js';
export type {
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisSentinel,
  NodeRedisSingleClient,
} from './node-redis-connection.js';
export { NodeRedisContextStorage, type NodeRedisStorageOptions } from './node-redis-storage.js';

// Importing the package is enough for createContextStorage('redis://...') to find it.
registerAdapter(contextStorageAdapter);
