export { type ClusterMaster, type ClusterMasters, scanCluster } from './cluster-listing.js';
export { firstConnection, type RedisStorageOptions, uriStorageOptions } from './connect-options.js';
export type { KeyPage, LuaScript, RedisCall, RedisConnection, RedisReply } from './connection.js';
export { CLUSTER_SLOTS, keySlot } from './key-slot.js';
export { DEFAULT_PREFIX, KEY_SEPARATOR, RedisKeyspace } from './keyspace.js';
export { badCursor, type ScanPage, scanSingleServer } from './master-scan.js';
export {
  type AclRefusal,
  aclRefusal,
  permissionError,
  RedisPermissionError,
  redisCallBound,
} from './permission.js';
export { REDIS_CAPABILITIES, RedisLayoutDriver } from './redis-driver.js';
export {
  parseRedisUri,
  REDIS_SCHEMES,
  REDIS_URI_GRAMMAR,
  type RedisClientName,
  type RedisClusterTarget,
  type RedisNode,
  type RedisSentinelSettings,
  type RedisSentinelTarget,
  type RedisStandaloneTarget,
  type RedisTarget,
  type RedisTlsOptions,
} from './redis-uri.js';
export {
  ITEM_TAGS,
  itemField,
  LOAD_CONTEXT,
  MAIN_FIELDS,
  SCRIPTS,
  WRITE_CONTEXT,
} from './scripts.js';
export { tlsConnectionOptions } from './tls-files.js';
