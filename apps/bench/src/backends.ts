import type { DBContextStorage } from '@context-storage/core';
import { IoRedisContextStorage } from '@context-storage/ioredis';
import { KeyvContextStorage } from '@context-storage/keyv';
import { MemoryContextStorage } from '@context-storage/memory';
import { NodeRedisContextStorage } from '@context-storage/node-redis';
import type { Redis } from 'ioredis';
import Keyv from 'keyv';
import type pg from 'pg';
import { openServerBackends } from './postgres-backends.js';
import type { BenchPostgres } from './postgres-server.js';
import type { StatementMeter } from './statements.js';
import { adapterTarget } from './targets/adapter-target.js';
import { ioredisCommands, nodeRedisCommands, type RawCommands } from './targets/raw-commands.js';
import { rawLayoutTarget } from './targets/raw-layout.js';
import { setGetTarget } from './targets/set-get.js';
import type { ClientName, TurnTarget } from './targets/target.js';
import { wholeContextTarget } from './targets/whole-context.js';
import { wholeJsonbTarget } from './targets/whole-jsonb.js';

/** The backends every scenario runs on, in the order of the tables. */
export const BACKEND_NAMES = [
  'memory',
  'ioredis',
  'node-redis',
  'keyv-map',
  'keyv-redis',
  'postgres',
  'pglite',
  'keyv-postgres',
] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** An open storage of one backend. */
export interface Backend {
  readonly name: BackendName;
  readonly storage: DBContextStorage;
  readonly usesRedis: boolean;
  /** The raw commands over the storage's own client (Redis adapters only). */
  readonly raw: RawCommands | undefined;
  /** A second storage on the same client under another prefix (Redis adapters only). */
  readonly sibling: ((prefix: string) => DBContextStorage) | undefined;
  /** A pool of its own on the adapter's database, for the SQL baselines (postgres only). */
  readonly pool: pg.Pool | undefined;
  /** Counts its SQL statements (PostgreSQL and PGlite backends). */
  readonly meter?: StatementMeter;
}

/** The client library of a backend's baselines, and the backend a target is measured next to. */
const SQL_CLIENTS: Partial<Record<BackendName, { client?: ClientName; beside: BackendName }>> = {
  postgres: { client: 'pg', beside: 'postgres' },
  pglite: { client: 'pglite', beside: 'pglite' },
  'keyv-postgres': { beside: 'postgres' },
};

/** The start of every key prefix (and Keyv namespace) of the bench. */
const PREFIX = 'bench';

/**
 * Opens a storage of every backend: memory, ioredis and node-redis on `redisUrl`, Keyv over its
 * Map store and over @keyv/redis on `redisUrl`, the PostgreSQL ones on `postgres` (see
 * `openServerBackends`), with `pglite` (opened already: its creation takes seconds, so it runs
 * while the servers start), in the order of {@link BACKEND_NAMES}. Close them with
 * {@link closeBackends}.
 *
 * @throws `ConnectionError` when a server cannot be reached (what was opened is closed again,
 *   except `pglite`, which stays the caller's)
 */
export async function openBackends(
  redisUrl: string,
  postgres: BenchPostgres,
  pglite: Backend,
): Promise<Backend[]> {
  const redis = await openRedisBackends(redisUrl);
  try {
    const server = await openServerBackends(postgres);
    return [...redis, ...server, pglite].sort(
      (a, b) => BACKEND_NAMES.indexOf(a.name) - BACKEND_NAMES.indexOf(b.name),
    );
  } catch (error) {
    await closeBackends(redis);
    throw error;
  }
}

async function openRedisBackends(redisUrl: string): Promise<Backend[]> {
  // A prefix per backend: their dialogs share ids and one server, and each clears its own.
  const ioredis = await IoRedisContextStorage.connect(redisUrl, { prefix: `${PREFIX}-ioredis` });
  const nodeRedis = await NodeRedisContextStorage.connect(redisUrl, {
    prefix: `${PREFIX}-node-redis`,
  });
  const keyvRedis = await KeyvContextStorage.connect(
    `${redisUrl.replace('redis://', 'keyv+redis://')}?namespace=${PREFIX}-keyv`,
  );
  const ioredisClient = ioredis.client as Redis;
  const nodeRedisClient = nodeRedis.client as Parameters<typeof nodeRedisCommands>[0];
  const plain = { usesRedis: false, raw: undefined, sibling: undefined, pool: undefined };
  return [
    { name: 'memory', storage: new MemoryContextStorage(), ...plain },
    {
      name: 'ioredis',
      storage: ioredis,
      usesRedis: true,
      raw: ioredisCommands(ioredisClient),
      sibling: (prefix) => new IoRedisContextStorage(ioredisClient, { prefix }),
      pool: undefined,
    },
    {
      name: 'node-redis',
      storage: nodeRedis,
      usesRedis: true,
      raw: nodeRedisCommands(nodeRedisClient),
      sibling: (prefix) => new NodeRedisContextStorage(nodeRedisClient, { prefix }),
      pool: undefined,
    },
    {
      name: 'keyv-map',
      storage: new KeyvContextStorage(new Keyv({ namespace: PREFIX })),
      ...plain,
    },
    { name: 'keyv-redis', storage: keyvRedis, ...plain, usesRedis: true },
  ];
}

/** Closes every storage (and with it the clients they own) and the baselines' pools. */
export async function closeBackends(backends: readonly Backend[]): Promise<void> {
  await Promise.allSettled(
    backends.flatMap((backend) => [backend.storage.close(), backend.pool?.end()]),
  );
}

/** The targets of a comparison: the adapters, then each Redis client's baselines. */
export interface Targets {
  /** One per backend. */
  adapters: TurnTarget[];
  /** Whole-context and raw-layout baselines, per Redis client; whole-context JSONB on PostgreSQL. */
  baselines: TurnTarget[];
  /** Plain SET+GET pairs, per Redis client. */
  setGet: TurnTarget[];
}

/**
 * The turn targets over open backends: every Redis baseline uses the client of its adapter, the
 * whole-context JSONB baseline the postgres backend's server, database and pool size.
 */
export function turnTargets(backends: readonly Backend[]): Targets {
  const adapters = backends.map((backend) =>
    adapterTarget(backend.name, backend.storage, {
      client: backend.raw?.client ?? SQL_CLIENTS[backend.name]?.client,
      usesRedis: backend.usesRedis,
      meter: backend.meter,
      beside: SQL_CLIENTS[backend.name]?.beside,
    }),
  );
  const redis = backends.filter((backend) => backend.raw !== undefined && backend.sibling);
  const sql = backends.filter((backend) => backend.pool !== undefined && backend.meter);
  return {
    adapters,
    baselines: [
      ...redis.flatMap((backend) => [
        wholeContextTarget(backend.raw!, `${PREFIX}-whole-${backend.name}`),
        rawLayoutTarget(
          backend.raw!,
          backend.sibling!(`${PREFIX}-raw-${backend.name}`),
          `${PREFIX}-raw-${backend.name}`,
        ),
      ]),
      ...sql.map((backend) =>
        wholeJsonbTarget(backend.pool!, `${PREFIX}_whole_${backend.name}`, backend.meter!),
      ),
    ],
    setGet: redis.map((backend) => setGetTarget(backend.raw!, `${PREFIX}-setget-${backend.name}`)),
  };
}
