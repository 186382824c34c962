export {
  findBinary,
  MissingBinaryError,
  OPENSSL_INSTALL_COMMAND,
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
export { isProcessRunning } from './pids.js';
export { getFreePort, LOOPBACK } from './ports.js';
export { SERVER_DIR_PREFIX, sweepStaleServers } from './registry.js';
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
export { generateTlsFiles, type TlsFilesOptions } from './tls-certificates.js';
