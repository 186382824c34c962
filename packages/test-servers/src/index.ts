// The generic toolkit: what every launcher of a throwaway test server builds on.
export {
  type BinarySearch,
  type ExplicitBinary,
  findBinary,
  MissingBinaryError,
  OPENSSL,
  OPENSSL_INSTALL_COMMAND,
  type RequiredBinary,
  requireBinary,
} from './binaries.js';
export { combinedGlobalSetup, type GlobalSetup } from './global-setups.js';
export { type LaunchOptions, launchProcess, ServerStartError, tailFile } from './launch.js';
export {
  isProcessRunning,
  processServesDir,
  processState,
  readServerPid,
  signal,
  waitForAllExit,
  waitForExit,
} from './pids.js';
export { getFreePort, LOOPBACK, startOnFreePort } from './ports.js';
// The PostgreSQL launcher, built on the toolkit.
export {
  findPostgresBinaries,
  MissingPostgresError,
  POSTGRES_BINDIR_ENV,
  POSTGRES_INSTALL_COMMAND,
  type PostgresBinaries,
} from './postgres-binaries.js';
export {
  currentPostgresPid,
  killPostgres,
  pausePostgres,
  restartPostgres,
  resumePostgres,
} from './postgres-control.js';
export type { PostgresServerDescriptor, PostgresTlsFiles } from './postgres-descriptor.js';
export { POSTGRES_DIR_PREFIX, sweepStalePostgres } from './postgres-dirs.js';
export { PostgresStartError } from './postgres-process.js';
export {
  type PostgresServer,
  type PostgresServerOptions,
  startPostgres,
} from './postgres-server.js';
export { type PostgresProvidingProject, postgresGlobalSetup } from './postgres-setup.js';
export {
  killAndWait,
  type ProcessTreeOptions,
  pauseProcess,
  resumeProcess,
  type TerminateOptions,
  terminate,
} from './process-control.js';
export { childrenOf, signalTree } from './process-tree.js';
export { type RunProgramOptions, runProgram } from './run-program.js';
export {
  OWNER_FILE_NAME,
  type ServerDirKind,
  sweepStaleServerDirs,
  TrackedServerDir,
} from './server-dirs.js';
export { SERVER_USER_ENV, type ServerUser, serverUser } from './server-user.js';
export { generateTlsFiles, type TlsFiles, type TlsFilesOptions } from './tls-certificates.js';
export { notYet, WaitAborted, type WaitOptions, waitFor } from './wait.js';
