export { type ClusterMaster, type ClusterMasters, scanCluster } from './cluster-listing.js';
export {
  asBuffer,
  type KeyPage,
  type LuaScript,
  type RedisCall,
  type RedisConnection,
  type RedisReply,
  reconnectDelayMs,
} from './connection.js';
export { firstConnection } from './first-connection.js';
export { CLUSTER_SLOTS, keySlot } from './key-slot.js';
export { DEFAULT_PREFIX, KEY_SEPARATOR, RedisKeyspace } from './keyspace.js';
export { ITEM_TAGS, itemField, MAIN_FIELD, MAIN_FIELDS, parseItemField } from './layout.js';
export {
  LAYOUT_REFUSAL,
  LAYOUT_VERSION,
  LayoutVersionError,
  layoutRefusal,
  storedLayout,
} from './layout-version.js';
export { LOAD_CONTEXT, loadContextArgs, parseLoadContext } from './load-context.js';
export { badCursor, type ScanPage, scanSingleServer } from './master-scan.js';
export {
  type AclRefusal,
  aclRefusal,
  LEAST_PRIVILEGE_COMMANDS,
  permissionError,
  RedisPermissionError,
  redisCallBound,
} from './permission.js';
export {
  NEEDS_SCRIPT,
  parseHeld,
  parseRecentLoad,
  RECENT_LOAD_FIELDS,
  RECENT_SLOTS,
  SLOT_FIELDS,
  SLOT_TURN_FIELDS,
  servedBySlots,
  slotField,
  slotOf,
  slotPlace,
  slotTurnField,
} from './recent-slots.js';
export {
  type CommandLine,
  callLine,
  evalLine,
  isNoScript,
  type MasterRouting,
  parseScanReply,
  REDIRECTION,
  ScriptsSent,
  scanLine,
  sendAcrossMasters,
} from './redis-calls.js';
export { REDIS_CAPABILITIES, RedisLayoutDriver } from './redis-driver.js';
export {
  endpointBackend,
  endpointDescription,
  hostPort,
  type RedisEndpoint,
  targetEndpoint,
} from './redis-endpoint.js';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  openRedisStorage,
  type RedisBinding,
  type RedisConnectionSettings,
  RedisContextStorage,
  type RedisStorageOptions,
} from './redis-storage.js';
export {
  credentials,
  parseRedisUri,
  REDIS_SCHEMES,
  type RedisClientName,
  type RedisClusterTarget,
  type RedisNode,
  type RedisSentinelSettings,
  type RedisSentinelTarget,
  type RedisStandaloneTarget,
  type RedisTarget,
  type RedisTlsOptions,
} from './redis-uri.js';
export { REDIS_URI_GRAMMAR } from './redis-uri-grammar.js';
export { SCRIPTS } from './scripts.js';
export {
  NO_SLOTS,
  planSlots,
  type SlotDecision,
  SlotMemory,
  type SlotPlan,
  type SlotTurns,
  slotIndex,
  slotTurnsOf,
} from './slot-plan.js';
export { tlsConnectionOptions } from './tls-files.js';
export { parseWriteContext, WRITE_CONTEXT, writeContextArgs } from './write-context.js';
