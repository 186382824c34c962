import {
  ConflictError,
  type LoadWindows,
  type StorageCapabilities,
  TURN_FIELDS,
  type TurnField,
} from '@context-storage/core';
import {
  type ContextStorageDriver,
  type ContextWrite,
  type IdPage,
  type ItemsRequest,
  type StoredContext,
  type StoredItems,
  storageLocation,
  ttlLeftMs,
  type WriteOutcome,
} from '@context-storage/core/adapter';
import { ExpirySweeper, type SweepResult } from './expiry-sweeper.js';
import {
  arrayLiteral,
  checkIdentifier,
  checkPrefix,
  DEFAULT_SWEEP_LIMIT,
  FIELD_CODES,
  idHex,
} from './layout.js';
import {
  emptyItems,
  parseIdPage,
  parseItemRows,
  parseLoadRows,
  parseWriteRows,
} from './load-rows.js';
import { ensureSchema } from './schema-setup.js';
import type { SqlClient, SqlParam, SqlRow } from './sql-client.js';
import { isRetryable, storageErrorOf } from './sql-errors.js';
import { type LayoutStatements, layoutStatements } from './statements.js';
import { encodeWrites } from './write-batch.js';

/** PostgreSQL enforces TTL in every statement and checks versions inside one locked function call. */
export const POSTGRES_CAPABILITIES: StorageCapabilities = Object.freeze({
  ttl: true,
  crossInstanceCompareAndSet: true,
  listIds: true,
});

/** How many times a statement rolled back by a deadlock or serialization failure runs again. */
const RETRIES = 5;

/** Options of {@link PostgresLayoutDriver}. */
export interface PostgresLayoutOptions {
  /** Schema of the tables and functions. */
  schema: string;
  /** This storage's prefix (a column value). */
  prefix: string;
  /** Create the schema on first use when it is missing. */
  createSchema: boolean;
  /** Most expired contexts one call deletes; 0 disables sweeping. */
  sweepLimit?: number;
  /** Sweep expired contexts on a timer too, not only in writes. */
  sweepTimer?: boolean;
}

/**
 * The context-storage primitives over the SQL layout (see `schemaDdl`), written once over a
 * {@link SqlClient}. Every primitive is ONE statement, for a batch too: a load reads main rows
 * plus one primary-key range per field and context, a save is one call of `write_contexts`, so
 * both cost the same at turn 10 and turn 10,000. The schema is checked (and created if allowed)
 * before the first statement, once.
 */
export class PostgresLayoutDriver implements ContextStorageDriver {
  readonly name: string;
  readonly location: string;
  readonly capabilities = POSTGRES_CAPABILITIES;
  readonly #client: SqlClient;
  readonly #sql: LayoutStatements;
  readonly #options: PostgresLayoutOptions;
  readonly #sweepLimit: number;
  readonly #sweeper: ExpirySweeper | undefined;
  #ready: Promise<void> | undefined;

  /**
   * @param client - the binding (node-postgres, PGlite)
   * @param options - schema, prefix, schema creation, sweeping
   * @throws `InvalidArgumentError` for a bad schema name or prefix
   */
  constructor(client: SqlClient, options: PostgresLayoutOptions) {
    this.#client = client;
    this.#options = options;
    this.#sql = layoutStatements(checkIdentifier(options.schema));
    checkPrefix(options.prefix);
    this.#sweepLimit = options.sweepLimit ?? DEFAULT_SWEEP_LIMIT;
    this.#sweeper =
      options.sweepTimer === false || this.#sweepLimit === 0
        ? undefined
        : new ExpirySweeper(() => this.#sweep(), this.#sweepLimit);
    this.name = client.name;
    this.location = storageLocation(`${client.location}?schema=${options.schema}`, options.prefix);
  }

  /** The database as messages name it. */
  get description(): string {
    return `PostgreSQL (${this.#client.name}) at ${this.#client.location}`;
  }

  /**
   * Checks (or creates) the schema now instead of at the first call; later calls return at once.
   *
   * @throws `ConnectionError`
   */
  ready(): Promise<void> {
    this.#ready ??= ensureSchema(
      this.#client,
      this.#options.schema,
      this.#sql,
      this.#options.createSchema,
      this.description,
    ).catch((error: unknown) => {
      this.#ready = undefined; // the next call tries again
      throw error;
    });
    return this.#ready;
  }

  async load(ids: readonly string[], windows: LoadWindows): Promise<(StoredContext | undefined)[]> {
    const sizes = TURN_FIELDS.map((field) => {
      const window = windows[field];
      return window === 'all' ? -1 : window;
    });
    const rows = await this.#query('a load', this.#sql.load, [
      arrayLiteral(ids.map(idHex)),
      arrayLiteral(sizes),
    ]);
    return parseLoadRows(ids, rows);
  }

  async loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    const whole: number[] = [];
    const fields: number[] = [];
    const turnIds: number[] = [];
    for (const field of TURN_FIELDS) {
      const wanted = request[field];
      if (wanted === 'all') whole.push(FIELD_CODES[field]);
      else {
        for (const turnId of wanted ?? []) {
          fields.push(FIELD_CODES[field]);
          turnIds.push(turnId);
        }
      }
    }
    if (whole.length === 0 && fields.length === 0) return emptyItems();
    const rows = await this.#query('a load of turn items', this.#sql.loadItems, [
      idHex(id),
      arrayLiteral(whole),
      arrayLiteral(fields),
      arrayLiteral(turnIds),
    ]);
    return parseItemRows(id, rows);
  }

  async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    if (writes.length === 0) return [];
    const { json, blob } = encodeWrites(writes);
    const rows = await this.#query(
      'a save',
      this.#sql.write,
      [json, blob, String(this.#sweepLimit)],
      (error) => {
        const [first] = writes;
        return new ConflictError(
          first!.id,
          first!.expectedVersion ?? 0,
          undefined,
          `the save of ${writes.length} context(s) kept failing on a ${this.#client.name} deadlock or serialization failure after ${RETRIES} retries; nothing was written: ${(error as Error).message}`,
        );
      },
    );
    const outcomes = parseWriteRows(writes.length, rows);
    const ttls = writes.flatMap((write, index) => {
      const ttl = ttlLeftMs(write.main.expiresAt);
      return outcomes[index]?.ok && ttl !== undefined ? [ttl] : [];
    });
    if (ttls.length > 0) this.#sweeper?.noteExpiry(Math.min(...ttls));
    return outcomes;
  }

  async has(ids: readonly string[]): Promise<boolean[]> {
    const rows = await this.#query('a lookup', this.#sql.has, [arrayLiteral(ids.map(idHex))]);
    const out = ids.map(() => false);
    for (const row of rows) out[Number(row.n) - 1] = row.present === true;
    return out;
  }

  async delete(ids: readonly string[]): Promise<number> {
    const [row] = await this.#query('a delete', this.#sql.delete, [arrayLiteral(ids.map(idHex))]);
    return Number(row?.existed ?? 0);
  }

  async count(): Promise<number> {
    const [row] = await this.#query('a count', this.#sql.count, []);
    return Number(row?.n ?? 0);
  }

  async listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    const rows = await this.#query('a listing of ids', this.#sql.listIds, [
      cursor ?? null,
      String(pageSize + 1),
    ]);
    return parseIdPage(rows, pageSize);
  }

  async clear(): Promise<void> {
    await this.#query('a clear', this.#sql.clear, []);
  }

  async close(): Promise<void> {
    await this.#sweeper?.close();
    await this.#client.close();
  }

  async #sweep(): Promise<SweepResult> {
    const [row] = await this.#query('a sweep of expired contexts', this.#sql.sweep, [
      String(this.#sweepLimit),
    ]);
    const next = row?.next_expiry;
    return {
      removed: Number(row?.removed ?? 0),
      nextExpiry: next === null || next === undefined ? undefined : Number(next),
      serverNow: Number(row?.server_now ?? Date.now()),
    };
  }

  /**
   * Runs one statement of this prefix (`$1`), after the schema check. A deadlock or
   * serialization failure rolled the statement back whole, so it runs again (a few times, with
   * a short random pause); when that keeps failing, `exhausted` says what to throw. Every other
   * failure becomes a typed error.
   */
  async #query(
    what: string,
    text: string,
    params: readonly SqlParam[],
    exhausted?: (error: unknown) => Error,
  ): Promise<SqlRow[]> {
    await this.ready();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#client.query(text, [this.#options.prefix, ...params]);
      } catch (error) {
        if (!isRetryable(error)) throw storageErrorOf(error, this.description, what);
        if (attempt >= RETRIES) {
          throw exhausted?.(error) ?? storageErrorOf(error, this.description, what);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }
}
