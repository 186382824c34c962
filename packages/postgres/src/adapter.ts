import type { ContextStorageAdapter } from '@context-storage/core';
import { PostgresContextStorage } from './postgres-storage.js';
import { POSTGRES_SCHEMES } from './postgres-uri.js';

/**
 * The adapter that serves `postgres://`, `postgresql://` (node-postgres) and `pglite://`
 * (PGlite) URIs in `createContextStorage`.
 */
export const contextStorageAdapter: ContextStorageAdapter = {
  name: 'postgres',
  packageName: '@context-storage/postgres',
  schemes: POSTGRES_SCHEMES,
  create: (uri, options) => PostgresContextStorage.connect(uri, options),
};
