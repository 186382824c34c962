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
export { PostgresStartError } from './postgres-process.js';
export {
  type PostgresServer,
  type PostgresServerOptions,
  startPostgres,
} from './postgres-server.js';
export { type PostgresProvidingProject, postgresGlobalSetup } from './postgres-setup.js';
export { POSTGRES_DIR_PREFIX, sweepStalePostgres } from './server-dirs.js';
export { SERVER_USER_ENV, type ServerUser, serverUser } from './server-user.js';
