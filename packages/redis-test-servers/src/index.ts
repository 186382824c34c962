// Generic pieces of @context-storage/test-servers that this package's users have always imported
// from here.
export {
  generateTlsFiles,
  getFreePort,
  isProcessRunning,
  LOOPBACK,
  MissingBinaryError,
  OPENSSL_INSTALL_COMMAND,
  type TlsFilesOptions,
} from '@context-storage/test-servers';
export {
  findBinary,
  REDIS_INSTALL_COMMAND,
  type RedisBinaries,
  type RedisBinaryName,
  resolveBinary,
} from './binaries.js';
export { type ClusterOptions, type RedisClusterServers, startCluster } from './cluster.js';
export {
  currentPid,
  killServer,
  pauseServer,
  type RestartOptions,
  redisCli,
  restartServer,
  resumeServer,
} from './control.js';
export type { RedisServerDescriptor, RedisServerRole, RedisTlsFiles } from './descriptor.js';
export { RedisStartError } from './launch.js';
export { SERVER_DIR_PREFIX, sweepStaleServers } from './redis-dirs.js';
export {
  RedisReplyError,
  type RespCommandOptions,
  type RespTarget,
  RespTimeoutError,
  type RespValue,
  respCommand,
  respPipeline,
} from './resp.js';
export { type RedisSentinelServers, type SentinelOptions, startSentinel } from './sentinel.js';
export { RedisServer, RedisTlsServer } from './server.js';
export type { CommonServerOptions, TlsAuthClients } from './server-start.js';
export {
  type ProvidedCluster,
  type ProvidedRedisServers,
  type ProvidedSentinel,
  type ProvidedStandalone,
  type ProvidedTls,
  type ProvidingProject,
  REDIS_URL_ENV,
  type RedisServersHandles,
  type RedisServersSetup,
  type RedisServersSetupOptions,
  redisGlobalSetup,
  redisServersSetup,
} from './setup.js';
export { type MigrateSlotOptions, migrateSlot } from './slot-migration.js';
export {
  type StandaloneOptions,
  startStandalone,
  startTls,
  type TlsServerOptions,
} from './standalone.js';
