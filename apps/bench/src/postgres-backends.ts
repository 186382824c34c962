import { KeyvContextStorage } from '@context-storage/keyv';
import {
  acquirePgliteDirectory,
  PostgresContextStorage,
  parsePostgresUri,
  pgliteSqlClient,
} from '@context-storage/postgres';
import KeyvPostgres from '@keyv/postgres';
import Keyv from 'keyv';
import pg from 'pg';
import type { Backend } from './backends.js';
import type { BenchPostgres } from './postgres-server.js';
import { countingSqlClient } from './targets/counting-sql-client.js';

/** The start of every prefix, namespace and table of the bench. */
const PREFIX = 'bench';
/** Connections of each pool on the server: the adapter's default `poolSize`, for every target. */
const POOL_SIZE = 10;

const plain = { usesRedis: false, raw: undefined, sibling: undefined, pool: undefined };

/**
 * Opens the backends on the bench's PostgreSQL server: `postgres` (the adapter from the URI
 * `postgres://…/bench`) and `keyv-postgres` (the Keyv adapter over @keyv/postgres, table
 * `bench_keyv`), both with their statements counted on the server. The postgres backend also
 * carries a pool of its own for the whole-context JSONB baseline. Each checks its connection
 * before resolving. Close them with `closeBackends`.
 *
 * @throws `ConnectionError` when the server cannot be reached (what was opened is closed again)
 */
export async function openServerBackends(postgres: BenchPostgres): Promise<Backend[]> {
  const opened: Backend[] = [];
  try {
    const storage = await PostgresContextStorage.connect(
      // Seeding writes dialogs of 10,000 turns (30,000 rows a dialog) in one statement: more than
      // the default 5 s bound allows on this machine now and then; the timed turns take ms.
      `${postgres.url}?prefix=${PREFIX}-postgres&poolSize=${POOL_SIZE}&commandTimeoutMs=60000`,
    );
    const pool = new pg.Pool({ connectionString: postgres.url, max: POOL_SIZE });
    // An idle connection the server closes must not crash the run (node-postgres needs a listener).
    pool.on('error', () => {});
    opened.push({ name: 'postgres', storage, ...plain, pool, meter: postgres.meter });

    const keyv = new Keyv({
      store: new KeyvPostgres({ uri: postgres.url, table: `${PREFIX}_keyv`, max: POOL_SIZE }),
      namespace: `${PREFIX}-keyv-postgres`,
    });
    // Failures are thrown to the caller (throwOnErrors): no unhandled 'error' event.
    keyv.on('error', () => {});
    const keyvStorage = new KeyvContextStorage(keyv, { closeClient: true });
    opened.push({ name: 'keyv-postgres', storage: keyvStorage, ...plain, meter: postgres.meter });
    await keyvStorage.contains('connection-check');
    return opened;
  } catch (error) {
    await closeOpened(opened);
    throw error;
  }
}

/**
 * Opens the `pglite` backend: the adapter on PGlite in `dir`, from the URI `pglite://<dir>` the
 * way `PostgresContextStorage.connect` opens it (the directory locked, one instance per
 * directory), but over a counting wrapper of its query interface, since PGlite has no server to
 * count statements. Creates the schema before resolving. Cost: ~3-5 s (an initdb in WASM).
 *
 * @throws `ConnectionError` when PGlite cannot open the directory
 */
export async function openPgliteBackend(dir: string): Promise<Backend> {
  const target = parsePostgresUri(`pglite://${dir}`);
  if (target.kind !== 'pglite' || target.dataDir === undefined) {
    throw new Error(`pglite://${dir} is not a PGlite directory`);
  }
  const handle = await acquirePgliteDirectory(target.dataDir);
  const counted = countingSqlClient(pgliteSqlClient(handle.db, () => handle.release()));
  const storage = new PostgresContextStorage(
    { client: counted.client },
    { prefix: `${PREFIX}-pglite` },
  );
  try {
    await storage.ready();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return { name: 'pglite', storage, ...plain, meter: counted.meter };
}

async function closeOpened(opened: readonly Backend[]): Promise<void> {
  await Promise.allSettled(
    opened.flatMap((backend) => [backend.storage.close(), backend.pool?.end()]),
  );
}
