import {
  type ClientAdapterOptions,
  type ContextTypes,
  DBContextStorage,
} from '@context-storage/core';
import { mergeOptions } from '@context-storage/core/adapter';
import { DEFAULT_PREFIX, DEFAULT_SCHEMA } from './layout.js';
import { type PgQueryable, pgSqlClient } from './pg-binding.js';
import { makePgPool } from './pg-connect.js';
import {
  acquirePgliteDirectory,
  openPgliteMemory,
  type PgliteInstance,
  pgliteSqlClient,
} from './pglite-binding.js';
import { PostgresLayoutDriver } from './postgres-driver.js';
import { parsePostgresUri } from './postgres-uri.js';
import type { SqlClient } from './sql-client.js';

/** Options of a PostgreSQL or PGlite storage, besides the common adapter options. */
export interface PostgresStorageOptions extends ClientAdapterOptions {
  /** Namespace of this storage's contexts (a column value). Default `ctx`. */
  prefix?: string;
  /** Schema of the tables and functions. Default `context_storage`. */
  schema?: string;
  /** Create the schema on first use when it is missing. Default true; false for a DML-only role. */
  createSchema?: boolean;
  /** Bound of opening a connection, ms (pools made from a URI). Default 5,000. */
  connectTimeoutMs?: number;
  /** Most connections of a pool made from a URI. Default 10. */
  poolSize?: number;
  /** Most expired contexts one write or sweep deletes; 0: never delete them. Default 100. */
  sweepLimit?: number;
  /** Also sweep expired contexts on a timer while nothing is written. Default true. */
  sweepTimer?: boolean;
}

/**
 * Where a storage's data is: a node-postgres `Pool` or connected `Client`, a PGlite instance (both
 * stay the application's: `close()` leaves them open), or any {@link SqlClient} binding.
 */
export type PostgresSource =
  | { readonly pool: PgQueryable }
  | { readonly pglite: PgliteInstance }
  | { readonly client: SqlClient };

/** Default upper bound of a call, ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

/**
 * Context storage in PostgreSQL, through node-postgres (`postgres://`) or PGlite (`pglite://`,
 * embedded). One statement per load and per save (a batch too), whatever the dialog length; saves
 * are atomic with their version check across every process; TTL is enforced by the server's
 * clock in every statement. See the package README for the schema.
 */
export class PostgresContextStorage<
  T extends ContextTypes = ContextTypes,
> extends DBContextStorage<T> {
  /** This storage's prefix. */
  readonly prefix: string;
  /** The schema of its tables. */
  readonly schema: string;
  declare protected readonly driver: PostgresLayoutDriver;

  /**
   * A storage over a pool, client or PGlite instance of the application (closed by `close()`
   * only with `closeClient: true`). No statement is sent before the first call; the first call checks the schema
   * (and creates it, unless `createSchema` is false).
   *
   * @throws `InvalidArgumentError` for a bad option (schema name, prefix, TTL...)
   */
  constructor(source: PostgresSource, options: PostgresStorageOptions = {}) {
    const client =
      'client' in source
        ? source.client
        : 'pool' in source
          ? pgSqlClient(source.pool, {
              commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
              owned: options.closeClient ?? false,
            })
          : pgliteSqlClient(
              source.pglite,
              options.closeClient === true ? () => source.pglite.close() : undefined,
            );
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const schema = options.schema ?? DEFAULT_SCHEMA;
    super(
      new PostgresLayoutDriver(client, {
        schema,
        prefix,
        createSchema: options.createSchema ?? true,
        ...(options.sweepLimit === undefined ? {} : { sweepLimit: options.sweepLimit }),
        ...(options.sweepTimer === undefined ? {} : { sweepTimer: options.sweepTimer }),
      }),
      options,
    );
    this.prefix = prefix;
    this.schema = schema;
  }

  /**
   * Opens a storage from a URI (`postgres://`, `postgresql://`, `pglite://dir`, `pglite://`),
   * owning its pool or PGlite instance, and checks the connection and the schema before
   * resolving. Programmatic options override the URI's. Storages of one process on one PGlite
   * directory share one instance.
   *
   * @throws `InvalidUriError`; `MissingPackageError` when `pg` or `@electric-sql/pglite` is not
   *   installed; `ConnectionError` (refused, wrong password, unknown database, TLS failure,
   *   timeout, a PGlite directory in use by another process: `PgliteDirectoryInUseError`)
   */
  static async connect<T extends ContextTypes = ContextTypes>(
    uri: string,
    options: PostgresStorageOptions = {},
  ): Promise<PostgresContextStorage<T>> {
    const target = parsePostgresUri(uri);
    const merged: PostgresStorageOptions = mergeOptions<PostgresStorageOptions>(
      target.options,
      {
        schema: target.schema,
        ...(target.kind === 'server'
          ? {
              commandTimeoutMs: target.commandTimeoutMs,
              connectTimeoutMs: target.connectTimeoutMs,
              poolSize: target.poolSize,
            }
          : {}),
      } as Partial<PostgresStorageOptions>,
      options,
    );
    let client: SqlClient;
    if (target.kind === 'server') {
      const commandTimeoutMs = merged.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
      const pool = await makePgPool(target, {
        commandTimeoutMs,
        connectTimeoutMs: merged.connectTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
        poolSize: merged.poolSize ?? 10,
      });
      client = pgSqlClient(pool, { commandTimeoutMs, owned: true });
    } else if (target.dataDir === undefined) {
      const db = await openPgliteMemory();
      client = pgliteSqlClient(db, () => db.close());
    } else {
      const handle = await acquirePgliteDirectory(target.dataDir);
      client = pgliteSqlClient(handle.db, () => handle.release());
    }
    let storage: PostgresContextStorage;
    try {
      storage = new PostgresContextStorage({ client }, merged);
    } catch (error) {
      await client.close();
      throw error;
    }
    try {
      await storage.ready();
    } catch (error) {
      await storage.close();
      throw error;
    }
    return storage;
  }

  /**
   * Checks the connection and the schema now (creating it if allowed), instead of at the first
   * call. One statement (plus the DDL the first time).
   *
   * @throws `ConnectionError`
   */
  ready(): Promise<void> {
    return this.driver.ready();
  }
}
