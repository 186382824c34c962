/**
 * The test matrix of the Redis adapters: every test file runs its tests for each adapter row and
 * each topology row here, instead of copying files per adapter.
 */
import { randomBytes } from 'node:crypto';
import type { DBContextStorage, StorageOptions } from '@context-storage/core';
import { undecodablePayload } from '@context-storage/core/adapter';
import type { ConformanceHooks } from '@context-storage/core/conformance';
import { IoRedisContextStorage } from '@context-storage/ioredis';
import { NodeRedisContextStorage } from '@context-storage/node-redis';
import {
  itemField,
  MAIN_FIELD,
  RedisKeyspace,
  slotField,
  slotOf,
  slotTurnField,
} from '@context-storage/redis-layout';
import {
  pauseServer,
  type RedisServerDescriptor,
  resumeServer,
} from '@context-storage/redis-test-servers';
import { Cluster, Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, inject } from 'vitest';

/** A storage of a Redis adapter: what the tests need to see of it. */
export type RedisStorage = DBContextStorage & { readonly prefix: string };

/** Options the tests pass when opening a storage. */
export type OpenOptions = StorageOptions & { prefix?: string };

/** One Redis adapter under test. */
export interface RedisAdapterRow {
  readonly name: 'ioredis' | 'node-redis';
  /** Opens a storage (that owns its client) from a URI. */
  connect(uri: string, options?: OpenOptions): Promise<RedisStorage>;
  /**
   * Makes a client of the adapter's library to a standalone server, and a storage wrapping it:
   * the storage must leave that client open when it closes.
   */
  wrapClient(
    url: string,
    options?: OpenOptions,
  ): Promise<{ storage: RedisStorage; ping(): Promise<unknown>; close(): Promise<unknown> }>;
}

/** The adapters under test. */
export const ADAPTERS: readonly RedisAdapterRow[] = [
  {
    name: 'ioredis',
    connect: (uri, options) => IoRedisContextStorage.connect(uri, options),
    async wrapClient(url, options) {
      const client = new Redis(url);
      return {
        storage: new IoRedisContextStorage(client, options),
        ping: () => client.ping(),
        close: () => client.quit(),
      };
    },
  },
  {
    name: 'node-redis',
    connect: (uri, options) => NodeRedisContextStorage.connect(uri, options),
    async wrapClient(url, options) {
      const client = createClient({ url });
      await client.connect();
      return {
        storage: new NodeRedisContextStorage(client, options),
        ping: () => client.ping(),
        close: () => client.close(),
      };
    },
  },
];

/** The topologies every adapter is tested on. */
export const TOPOLOGIES = ['standalone', 'cluster', 'sentinel'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** Short timeouts, so that outage tests fail fast; still far above a loopback round trip. */
export const TEST_TIMEOUTS = 'connectTimeoutMs=5000&commandTimeoutMs=1500';

const servers = inject('redis');

/** The URI of a topology's servers, with the test timeouts. */
export function topologyUri(topology: Topology): string {
  const url = servers[topology]?.url;
  if (url === undefined) throw new Error(`the ${topology} topology was not started`);
  return `${url}${url.includes('?') ? '&' : '?'}${TEST_TIMEOUTS}`;
}

/** Every server process of a topology, in the order to pause them (resume in reverse). */
export function processesOf(topology: Topology): RedisServerDescriptor[] {
  if (topology === 'cluster') return [...(servers.cluster?.nodes ?? [])];
  if (topology === 'sentinel') {
    const sentinel = servers.sentinel!;
    // The replica first: with it paused too, the sentinel cannot fail over during the outage.
    return [sentinel.replica, sentinel.master];
  }
  const standalone = servers.standalone;
  if (standalone === undefined || standalone.external) return [];
  return [standalone.server];
}

/** A fresh random prefix. */
export function randomPrefix(): string {
  return `test-${randomBytes(5).toString('hex')}`;
}

const rawClients = new Map<Topology, Redis | Cluster>();

/**
 * A plain ioredis client on a topology's data (the master, for sentinel), to read and damage what
 * is stored without going through the adapter under test. Closed after the file's tests.
 */
export function rawClient(topology: Topology): Redis | Cluster {
  let client = rawClients.get(topology);
  if (client === undefined) {
    if (topology === 'cluster') {
      client = new Cluster(
        servers.cluster!.seeds.map((seed) => {
          const [host, port] = seed.split(':');
          return { host: host!, port: Number(port) };
        }),
      );
    } else {
      const server =
        topology === 'sentinel' ? servers.sentinel!.master : processesOf('standalone')[0];
      client =
        server === undefined
          ? new Redis(servers.standalone!.url)
          : new Redis(server.port, server.host);
    }
    rawClients.set(topology, client);
  }
  return client;
}

afterAll(async () => {
  await Promise.all([...rawClients.values()].map((client) => client.quit()));
  rawClients.clear();
});

/** The Redis key of a context of `storage`, as the layout spells it. */
export function contextKey(storage: DBContextStorage, id: string): string {
  return new RedisKeyspace((storage as RedisStorage).prefix).key(id);
}

const GARBAGE = Buffer.from(undecodablePayload());

/** The conformance hooks of one matrix cell: raw reads and damage through a plain client. */
export function hooksFor(row: RedisAdapterRow, topology: Topology): ConformanceHooks {
  const hooks: ConformanceHooks = {
    reopen: (storage) =>
      row.connect(topologyUri(topology), {
        prefix: (storage as RedisStorage).prefix,
        codec: storage.codec,
      }),
    async corrupt(storage, id, target) {
      const raw = rawClient(topology);
      if (target === 'main') await raw.hset(contextKey(storage, id), MAIN_FIELD.version, 'garbage');
      else if (target === 'misc') await raw.hset(contextKey(storage, id), MAIN_FIELD.misc, GARBAGE);
      else {
        const key = contextKey(storage, id);
        await raw.hset(key, itemField(target.field, target.turnId), GARBAGE);
        // The recent slot holding a copy of that item is damaged with it.
        const slot = slotOf(target.turnId);
        if ((await raw.hget(key, slotTurnField(target.field, slot))) === String(target.turnId)) {
          await raw.hset(key, slotField(target.field, slot), GARBAGE);
        }
      }
    },
    async readRaw(storage, id) {
      const hash = await rawClient(topology).hgetallBuffer(contextKey(storage, id));
      return Object.keys(hash).length === 0 ? undefined : hash;
    },
  };
  const processes = processesOf(topology);
  if (processes.length > 0) {
    hooks.makeUnavailable = async () => {
      for (const server of processes) pauseServer(server);
      return async () => {
        for (const server of [...processes].reverse()) resumeServer(server);
      };
    };
  }
  return hooks;
}
