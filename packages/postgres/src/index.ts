import { registerAdapter } from '@context-storage/core';
import { contextStorageAdapter } from './adapter.js';

export { contextStorageAdapter } from './adapter.js';
export {
  type DirectoryLock,
  LOCK_FILE_NAME,
  type LockHolder,
  lockDirectory,
  PgliteDirectoryInUseError,
} from './directory-lock.js';
export {
  DEFAULT_PREFIX,
  DEFAULT_SCHEMA,
  DEFAULT_SWEEP_LIMIT,
  FIELD_CODES,
  SCHEMA_VERSION,
} from './layout.js';
export { type PgBindingOptions, type PgQueryable, pgLocation, pgSqlClient } from './pg-binding.js';
export {
  acquirePgliteDirectory,
  type PgliteDirectoryHandle,
  type PgliteInstance,
  pgliteLocation,
  pgliteSqlClient,
} from './pglite-binding.js';
export {
  POSTGRES_CAPABILITIES,
  PostgresLayoutDriver,
  type PostgresLayoutOptions,
} from './postgres-driver.js';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  PostgresContextStorage,
  type PostgresSource,
  type PostgresStorageOptions,
} from './postgres-storage.js';
export {
  type PgliteTarget,
  POSTGRES_SCHEMES,
  POSTGRES_URI_GRAMMAR,
  type PostgresServerTarget,
  type PostgresTarget,
  type PostgresTlsSettings,
  parsePostgresUri,
} from './postgres-uri.js';
export { schemaDdl, schemaGrants } from './schema-ddl.js';
export type { SqlClient, SqlParam, SqlRow } from './sql-client.js';
export { type LayoutStatements, layoutStatements, loadQuery } from './statements.js';

// Importing the package is enough for createContextStorage('postgres://...') to find it.
registerAdapter(contextStorageAdapter);
