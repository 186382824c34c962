/** A statement parameter: text (numbers and JSON travel as text), bytes, or NULL. */
export type SqlParam = string | Uint8Array | null;

/** A result row by column name. Integers may come as numbers, strings or bigints: parse them. */
export type SqlRow = Readonly<Record<string, unknown>>;

/**
 * What the SQL layout needs from a PostgreSQL client: the binding each client library gets
 * (node-postgres, PGlite). Small on purpose: everything about SQL lives in the layout.
 */
export interface SqlClient {
  /** Binding name, for messages: `pg`, `pglite`. */
  readonly name: string;
  /**
   * The server and database (or PGlite directory) this client reaches, without credentials, such
   * as `postgres://127.0.0.1:5432/app` or `pglite:///srv/bot/data`: equal for two clients of the
   * same data.
   */
  readonly location: string;
  /**
   * Runs ONE statement with parameters (one round trip) and resolves its rows.
   *
   * @throws `ConnectionError` when the database cannot be reached or does not answer in time;
   *   any other database error as it is, with its SQLSTATE on `code` (the layout maps it)
   */
  query(text: string, params: readonly SqlParam[]): Promise<SqlRow[]>;
  /**
   * Runs a script of several statements without parameters as one transaction (the DDL).
   *
   * @throws like {@link SqlClient.query}
   */
  exec(script: string): Promise<void>;
  /** Releases the client if the binding owns it (never a pool, client or instance passed in). */
  close(): Promise<void>;
}
