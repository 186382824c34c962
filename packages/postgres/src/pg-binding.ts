import { boundedCall } from '@context-storage/core/adapter';
import type { SqlClient, SqlParam, SqlRow } from './sql-client.js';
import { sqlState } from './sql-errors.js';

/**
 * What the adapter uses of a node-postgres `Pool` or `Client` (structural, so that the package
 * has no type dependency on `pg`).
 */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Present on a `Pool` (closes every connection) and a `Client`. */
  end?(): Promise<void>;
  /** Present on a `Pool`: `error` events of idle connections. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
}

/** Options of {@link pgSqlClient}. */
export interface PgBindingOptions {
  /** Upper bound of every call in ms (0: none). */
  commandTimeoutMs: number;
  /** End the pool or client on `close()`: only for one the adapter created. */
  owned: boolean;
}

/**
 * The {@link SqlClient} over a node-postgres `Pool` (one connection per statement, taken from the
 * pool) or a connected `Client` (every statement on that one connection; after it is lost, calls
 * fail until the application replaces it: prefer a pool). Statements with parameters use the
 * extended protocol (Parse/Bind/Execute/Sync: one round trip); the DDL script uses the simple
 * protocol, which runs a multi-statement script as one transaction. Errors without a SQLSTATE
 * (refused, reset, timed out, TLS) become `ConnectionError`; database errors keep their SQLSTATE
 * for the layout.
 */
export function pgSqlClient(source: PgQueryable, options: PgBindingOptions): SqlClient {
  const location = pgLocation(source);
  const closing = {
    timeoutMs: options.commandTimeoutMs,
    slackMs: 250,
    description: `PostgreSQL at ${location}`,
  };
  const bound = {
    ...closing,
    // A database error keeps its SQLSTATE for the layout (retries, privileges).
    refusal: (error: unknown) => (sqlState(error) === undefined ? undefined : (error as Error)),
  };
  if (options.owned) {
    // An idle connection the server closed (restart, idle timeout) is dropped by the pool and
    // replaced on the next call; without a listener, node would crash on that 'error' event.
    source.on?.('error', () => {});
  }
  return {
    name: 'pg',
    location,
    async query(text: string, params: readonly SqlParam[]): Promise<SqlRow[]> {
      const result = await boundedCall(source.query(text, [...params]), bound, 'a statement');
      return result.rows as SqlRow[];
    },
    async exec(script: string): Promise<void> {
      await boundedCall(source.query(script), bound, 'the schema script');
    },
    async close(): Promise<void> {
      if (options.owned) await boundedCall(source.end?.() ?? Promise.resolve(), closing, 'close');
    },
  };
}

/**
 * `postgres://host:port/database` of a pool or client, as node-postgres resolves it (options,
 * connection string and `PG*` environment variables): a unix socket directory is the host,
 * percent-encoded. Never a user or password.
 */
export function pgLocation(source: PgQueryable): string {
  const client = source as { host?: unknown; port?: unknown; database?: unknown };
  let resolved: { host?: unknown; port?: unknown; database?: unknown } = client;
  const pool = source as { options?: object; Client?: new (options: object) => typeof client };
  if (client.host === undefined && pool.options !== undefined && pool.Client !== undefined) {
    // A pool resolves its settings only in the clients it makes: make one, never connected.
    resolved = new pool.Client(pool.options);
  }
  const host = String(resolved.host ?? 'localhost');
  return `postgres://${encodeURIComponent(host)}:${String(resolved.port ?? 5432)}/${encodeURIComponent(String(resolved.database ?? ''))}`;
}
