import { registerAdapter } from '@context-storage/core';
import { contextStorageAdapter } from './adapter.js';

export { RedisPermissionError } from '@context-storage/redis-layout';
export { contextStorageAdapter } from './adapter.js';
export { connectNodeRedis } from './node-redis-client.js';
export {
  type NodeRedisClient,
  type NodeRedisCluster,
  NodeRedisConnection,
  type NodeRedisSentinel,
  type NodeRedisSingleClient,
} from './node-redis-connection.js';
export {
  NodeRedisContextStorage,
  type NodeRedisStorageOptions,
  nodeRedisEndpoint,
} from './node-redis-storage.js';

// Importing the package is enough for createContextStorage('redis://...') to find it.
registerAdapter(contextStorageAdapter);
