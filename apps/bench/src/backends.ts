import type { DBContextStorage } from '@context-storage/core';
import { IoRedisContextStorage } from '@context-storage/ioredis';
import { KeyvContextStorage } from '@context-storage/keyv';
import { MemoryContextStorage } from '@context-storage/memory';
import { NodeRedisContextStorage } from '@context-storage/node-redis';
import type { Redis } from 'ioredis';
import Keyv from 'keyv';
import { adapterTarget } from './targets/adapter-target.js';
import { ioredisCommands, nodeRedisCommands, type RawCommands } from './targets/raw-commands.js';
import { rawLayoutTarget } from './targets/raw-layout.js';
import { setGetTarget } from './targets/set-get.js';
import type { ClientName, TurnTarget } from './targets/target.js';
import { wholeContextTarget } from './targets/whole-context.js';

/** The backends every scenario runs on, in the order of the tables. */
export const BACKEND_NAMES = ['memory', 'ioredis', 'node-redis', 'keyv-map', 'keyv-redis'] as const;

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
}

/** The start of every key prefix (and Keyv namespace) of the bench. */
const PREFIX = 'bench';

/**
 * Opens a storage of every backend: memory, ioredis and node-redis on `redisUrl`, Keyv over its
 * Map store and over @keyv/redis on `redisUrl`. Close them with {@link closeBackends}.
 *
 * @throws `ConnectionError` when the Redis cannot be reached
 */
export async function openBackends(redisUrl: string): Promise<Backend[]> {
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
  const plain = { usesRedis: false, raw: undefined, sibling: undefined };
  return [
    { name: 'memory', storage: new MemoryContextStorage(), ...plain },
    {
      name: 'ioredis',
      storage: ioredis,
      usesRedis: true,
      raw: ioredisCommands(ioredisClient),
      sibling: (prefix) => new IoRedisContextStorage(ioredisClient, { prefix }),
    },
    {
      name: 'node-redis',
      storage: nodeRedis,
      usesRedis: true,
      raw: nodeRedisCommands(nodeRedisClient),
      sibling: (prefix) => new NodeRedisContextStorage(nodeRedisClient, { prefix }),
    },
    {
      name: 'keyv-map',
      storage: new KeyvContextStorage(new Keyv({ namespace: PREFIX })),
      ...plain,
    },
    { name: 'keyv-redis', storage: keyvRedis, usesRedis: true, raw: undefined, sibling: undefined },
  ];
}

/** Closes every storage (and with it the clients they own). */
export async function closeBackends(backends: readonly Backend[]): Promise<void> {
  await Promise.allSettled(backends.map((backend) => backend.storage.close()));
}

/** The targets of a comparison: the adapters, then each Redis client's baselines. */
export interface Targets {
  /** One per backend. */
  adapters: TurnTarget[];
  /** Whole-context and raw-layout baselines, per Redis client. */
  baselines: TurnTarget[];
  /** Plain SET+GET pairs, per Redis client. */
  setGet: TurnTarget[];
}

/** The turn targets over open backends: every baseline uses the client of its adapter. */
export function turnTargets(backends: readonly Backend[]): Targets {
  const adapters = backends.map((backend) =>
    adapterTarget(backend.name, backend.storage, {
      client: backend.raw?.client as ClientName | undefined,
      usesRedis: backend.usesRedis,
    }),
  );
  const redis = backends.filter((backend) => backend.raw !== undefined && backend.sibling);
  return {
    adapters,
    baselines: redis.flatMap((backend) => [
      wholeContextTarget(backend.raw!, `${PREFIX}-whole-${backend.name}`),
      rawLayoutTarget(
        backend.raw!,
        backend.sibling!(`${PREFIX}-raw-${backend.name}`),
        `${PREFIX}-raw-${backend.name}`,
      ),
    ]),
    setGet: redis.map((backend) => setGetTarget(backend.raw!, `${PREFIX}-setget-${backend.name}`)),
  };
}
