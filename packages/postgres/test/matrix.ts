/**
 * The test matrix of the PostgreSQL layout: every test file runs its tests for each backend row
 * here (node-postgres on a real server, PGlite on a directory, PGlite in memory) instead of
 * copying files per backend.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceHooks } from '@context-storage/core/conformance';
import { pausePostgres, resumePostgres } from '@context-storage/test-servers';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import {
  acquirePgliteDirectory,
  DEFAULT_SCHEMA,
  FIELD_CODES,
  type PgliteDirectoryHandle,
  type PgliteInstance,
  PostgresContextStorage,
  type PostgresStorageOptions,
  pgliteSqlClient,
  pgSqlClient,
  type SqlClient,
} from '../src/index.js';
import { SwitchablePglite } from './switchable-pglite.js';

/**
 * Short bounds, so that outage tests fail fast. A statement's bound still leaves room for the
 * suite's largest ones (500 contexts, values of several MB) on a loaded 2-core CI machine:
 * 1.5 s timed those out there.
 */
export const TEST_TIMEOUTS = { commandTimeoutMs: 3000, connectTimeoutMs: 1500 };

/** Direct SQL on a row's database, bypassing the adapter: to read and damage what is stored. */
export interface RawSql {
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** One backend under test. */
export interface BackendRow {
  readonly name: 'pg (server)' | 'pglite (directory)' | 'pglite (memory)';
  /** Opens a storage on the row's shared database (a fresh random prefix unless given). */
  open(options?: PostgresStorageOptions): Promise<PostgresContextStorage>;
  /** A storage over a given binding of the row's database (e.g. a counting wrapper). */
  openOver(
    wrap: (client: SqlClient) => SqlClient,
    options?: PostgresStorageOptions,
  ): Promise<PostgresContextStorage>;
  raw(): Promise<RawSql>;
  /** Makes the database unreachable for every storage of the row; resolves the way back. */
  makeUnavailable(): Promise<() => Promise<void>>;
}

const servers = inject('postgresTest');

/** A fresh random prefix. */
export function randomPrefix(): string {
  return `test-${randomBytes(5).toString('hex')}`;
}

/** The URI of the test database as `cs_owner`, with the test bounds. */
export function ownerUri(extra = ''): string {
  return `${servers.ownerUrl}?commandTimeoutMs=${TEST_TIMEOUTS.commandTimeoutMs}&connectTimeoutMs=${TEST_TIMEOUTS.connectTimeoutMs}${extra}`;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

const ownerPool = once(async () => {
  const pool = new pg.Pool({ connectionString: servers.ownerUrl, max: 4 });
  cleanups.push(() => pool.end());
  return pool;
});

function rawOfPool(pool: pg.Pool): RawSql {
  return { query: async (text, params) => (await pool.query(text, params)).rows };
}

function rawOfPglite(db: PgliteInstance): RawSql {
  return {
    query: async (text, params) => (await db.query(text, params)).rows as Record<string, unknown>[],
  };
}

const serverRow: BackendRow = {
  name: 'pg (server)',
  open: (options) =>
    PostgresContextStorage.connect(ownerUri(), { prefix: randomPrefix(), ...options }),
  async openOver(wrap, options) {
    const pool = new pg.Pool({ connectionString: servers.ownerUrl, max: 4 });
    const inner = pgSqlClient(pool, {
      commandTimeoutMs: TEST_TIMEOUTS.commandTimeoutMs,
      owned: true,
    });
    return new PostgresContextStorage(
      { client: wrap(inner) },
      { prefix: randomPrefix(), ...options },
    );
  },
  raw: async () => rawOfPool(await ownerPool()),
  async makeUnavailable() {
    const server = inject('postgres');
    pausePostgres(server);
    return async () => resumePostgres(server);
  },
};

/** One PGlite directory for the whole file, opened the way `pglite://dir` opens it. */
const sharedDirectory = once(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'context-storage-pglite-test-'));
  const handle: PgliteDirectoryHandle = await acquirePgliteDirectory(dir);
  const switchable = new SwitchablePglite(handle.db);
  cleanups.push(async () => {
    await handle.release();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, db: handle.db, switchable };
});

/** One in-memory PGlite for the whole file (each costs ~3 s to make). */
const sharedMemory = once(async () => {
  const db = new PGlite();
  await db.waitReady;
  cleanups.push(() => db.close());
  return { db, switchable: new SwitchablePglite(db) };
});

function pgliteRow(
  name: 'pglite (directory)' | 'pglite (memory)',
  shared: () => Promise<{ db: PgliteInstance; switchable: SwitchablePglite }>,
): BackendRow {
  return {
    name,
    async open(options) {
      const { switchable } = await shared();
      return new PostgresContextStorage(
        { pglite: switchable },
        { prefix: randomPrefix(), ...options },
      );
    },
    async openOver(wrap, options) {
      const { switchable } = await shared();
      return new PostgresContextStorage(
        { client: wrap(pgliteSqlClient(switchable)) },
        { prefix: randomPrefix(), ...options },
      );
    },
    raw: async () => rawOfPglite((await shared()).db),
    makeUnavailable: async () => (await shared()).switchable.goDown(),
  };
}

/** The backends under test. */
export const BACKENDS: readonly BackendRow[] = [
  serverRow,
  pgliteRow('pglite (directory)', sharedDirectory),
  pgliteRow('pglite (memory)', sharedMemory),
];

// Bytes that no codec decodes: invalid UTF-8, and a byte MessagePack never uses.
const GARBAGE = Buffer.from([0xc1, 0xff, 0xfe, 0x00]);

function keyOf(storage: unknown, id: string): [string, Buffer] {
  return [(storage as PostgresContextStorage).prefix, Buffer.from(id, 'utf8')];
}

/** The conformance hooks of a row: reads and damage in plain SQL, outages, reopening. */
export function hooksFor(row: BackendRow): ConformanceHooks {
  const s = DEFAULT_SCHEMA;
  return {
    reopen: (storage) =>
      row.open({ prefix: (storage as PostgresContextStorage).prefix, codec: storage.codec }),
    async corrupt(storage, id, target) {
      const raw = await row.raw();
      const [prefix, key] = keyOf(storage, id);
      if (target === 'main') {
        await raw.query(`UPDATE ${s}.contexts SET version = -1 WHERE prefix = $1 AND id = $2`, [
          prefix,
          key,
        ]);
      } else if (target === 'misc') {
        await raw.query(`UPDATE ${s}.contexts SET misc = $3 WHERE prefix = $1 AND id = $2`, [
          prefix,
          key,
          GARBAGE,
        ]);
      } else {
        await raw.query(
          `UPDATE ${s}.turn_items SET payload = $5 WHERE prefix = $1 AND id = $2 AND field = $3 AND turn_id = $4`,
          [prefix, key, FIELD_CODES[target.field], target.turnId, GARBAGE],
        );
      }
    },
    async readRaw(storage, id) {
      const raw = await row.raw();
      const [prefix, key] = keyOf(storage, id);
      const [main] = await raw.query(`SELECT * FROM ${s}.contexts WHERE prefix = $1 AND id = $2`, [
        prefix,
        key,
      ]);
      if (main === undefined) return undefined;
      const items = await raw.query(
        `SELECT field, turn_id, payload FROM ${s}.turn_items WHERE prefix = $1 AND id = $2 ORDER BY field, turn_id`,
        [prefix, key],
      );
      return { main, items };
    },
    makeUnavailable: () => row.makeUnavailable(),
  };
}
