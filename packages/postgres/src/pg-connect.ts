import type { ConnectionOptions } from 'node:tls';
import { importClientLibrary, readTlsFiles } from '@context-storage/core/adapter';
import type { PgQueryable } from './pg-binding.js';
import type { PostgresServerTarget } from './postgres-uri.js';

/** Timeouts and size of a pool the adapter makes. */
export interface PgPoolSettings {
  /** Bound of opening a connection (TCP, TLS, authentication), ms; 0: none. */
  connectTimeoutMs: number;
  /** Bound of a statement, ms, on the client (`query_timeout`) and the server (`statement_timeout`); 0: none. */
  commandTimeoutMs: number;
  /** Most connections. */
  poolSize: number;
}

/**
 * The node `tls` options of a target's `sslmode` and certificate files, as libpq reads them:
 * `require` encrypts without checking the certificate (unless a root certificate is given, then
 * it checks the chain), `verify-ca` checks the chain, `verify-full` the chain and the host name.
 *
 * @throws `InvalidUriError` naming a file that cannot be read
 */
export function pgTlsOptions(target: PostgresServerTarget): ConnectionOptions | false {
  const tls = target.tls;
  if (tls === undefined) return false;
  const pem = { ca: tls.rootCertFile, cert: tls.certFile, key: tls.keyFile };
  const files = readTlsFiles(pem, target.redactedUri, 'root certificate');
  const checkChain = tls.mode !== 'require' || files.ca !== undefined;
  return {
    rejectUnauthorized: checkChain,
    ...(tls.mode === 'verify-full' ? {} : { checkServerIdentity: () => undefined }),
    ...files,
  };
}

/**
 * Makes a node-postgres `Pool` for a server target (no connection yet). `pg` is imported now,
 * lazily, so that an application that never uses `postgres://` never loads it.
 *
 * @throws `MissingPackageError` naming `pg` when it is not installed; `InvalidUriError` for TLS
 *   files that cannot be read
 */
export async function makePgPool(
  target: PostgresServerTarget,
  settings: PgPoolSettings,
): Promise<PgQueryable> {
  type Pg = { Pool: new (config: object) => PgQueryable };
  const module = (await importClientLibrary(
    'pg',
    '@context-storage/postgres',
    () => import('pg'),
  )) as unknown as { default?: Pg; Pool?: Pg['Pool'] };
  const pg = module.default ?? (module as Pg);
  const ssl = pgTlsOptions(target);
  const { connectTimeoutMs, commandTimeoutMs } = settings;
  return new pg.Pool({
    ...(target.host === undefined ? {} : { host: target.host }),
    ...(target.port === undefined ? {} : { port: target.port }),
    ...(target.database === undefined ? {} : { database: target.database }),
    ...(target.user === undefined ? {} : { user: target.user }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ssl,
    max: settings.poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    ...(commandTimeoutMs > 0
      ? { query_timeout: commandTimeoutMs, statement_timeout: commandTimeoutMs }
      : {}),
    keepAlive: true,
    application_name: 'context-storage',
  });
}
