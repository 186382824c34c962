/**
 * The adapters under test, one row each: how to open a storage from a URI, and for adapters with
 * a client library, how to wrap a client the test made and pause the server it talks to.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateStorageOptions, DBContextStorage } from '@context-storage/core';
import { IoRedisContextStorage } from '@context-storage/ioredis';
import { KeyvContextStorage } from '@context-storage/keyv';
import { MemoryContextStorage } from '@context-storage/memory';
import { NodeRedisContextStorage } from '@context-storage/node-redis';
import { PostgresContextStorage } from '@context-storage/postgres';
import { pauseServer, resumeServer } from '@context-storage/redis-test-servers';
import { pausePostgres, resumePostgres } from '@context-storage/test-servers';
import KeyvRedis from '@keyv/redis';
import { Redis } from 'ioredis';
import Keyv from 'keyv';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, inject } from 'vitest';

/** A storage as the tests see it: every adapter names its prefix. */
export type PrefixedStorage = DBContextStorage & { readonly prefix: string };

/** A client the test made, wrapped in a storage. */
export interface WrappedClient {
  storage: PrefixedStorage;
  /** Whether the client is still open (the storage did not close it). */
  isOpen(): boolean;
  /** Closes the client, if the storage did not. */
  release(): Promise<void>;
}

/** One adapter of the matrix. */
export interface AdapterRow {
  /** `storage.name`. */
  readonly name: string;
  /** The package's `contextStorageAdapter.name`, when it differs (one package, two bindings). */
  readonly adapter?: string;
  /** A URI of the adapter without query. */
  readonly base: string;
  /** The query that makes `createContextStorage` pick this adapter among others of the scheme. */
  readonly pick?: string;
  /** The adapter's own URI entry point: `XContextStorage.connect`. */
  connect(uri: string, options?: CreateStorageOptions): Promise<PrefixedStorage>;
  /** For adapters with a client library. */
  readonly client?: {
    wrap(options: { prefix: string; closeClient?: boolean }): Promise<WrappedClient>;
    /** Makes the server stop answering; resolves the function that brings it back. */
    pause(): () => void;
  };
}

const postgres = inject('postgres');
const pgliteDir = mkdtempSync(join(tmpdir(), 'cs-adapter-tests-'));
afterAll(() => rmSync(pgliteDir, { recursive: true, force: true }));

const standalone = inject('redis').standalone;
if (standalone === undefined || standalone.external) {
  throw new Error('the adapter surface tests need a Redis of their own (they pause it)');
}
const redisUrl = standalone.url;
const server = standalone.server;
const pause = () => {
  pauseServer(server);
  return () => resumeServer(server);
};

export const ROWS: readonly AdapterRow[] = [
  {
    name: 'memory',
    base: 'memory://adapter-surface',
    connect: (uri, options) => MemoryContextStorage.connect(uri, options),
  },
  {
    name: 'ioredis',
    base: redisUrl,
    pick: 'client=ioredis',
    connect: (uri, options) => IoRedisContextStorage.connect(uri, options),
    client: {
      async wrap(options) {
        const client = new Redis(redisUrl);
        return {
          storage: new IoRedisContextStorage(client, options),
          isOpen: () => client.status === 'ready',
          release: async () => {
            if (client.status !== 'end') await client.quit();
          },
        };
      },
      pause,
    },
  },
  {
    name: 'node-redis',
    base: redisUrl,
    pick: 'client=node-redis',
    connect: (uri, options) => NodeRedisContextStorage.connect(uri, options),
    client: {
      async wrap(options) {
        const client = createClient({ url: redisUrl });
        await client.connect();
        return {
          storage: new NodeRedisContextStorage(client, options),
          isOpen: () => client.isOpen,
          release: async () => {
            if (client.isOpen) await client.close();
          },
        };
      },
      pause,
    },
  },
  {
    name: 'keyv',
    base: redisUrl.replace('redis://', 'keyv+redis://'),
    connect: (uri, options) => KeyvContextStorage.connect(uri, options),
    client: {
      async wrap(options) {
        const keyv = new Keyv({ store: new KeyvRedis(redisUrl), namespace: options.prefix });
        let open = true;
        const disconnect = keyv.disconnect.bind(keyv);
        keyv.disconnect = async () => {
          open = false;
          await disconnect();
        };
        return {
          storage: new KeyvContextStorage(keyv, options),
          isOpen: () => open,
          release: async () => {
            if (open) await keyv.disconnect();
          },
        };
      },
      pause,
    },
  },
  {
    name: 'pg',
    adapter: 'postgres',
    base: postgres.url,
    connect: (uri, options) => PostgresContextStorage.connect(uri, options),
    client: {
      async wrap(options) {
        const pool = new pg.Pool({ connectionString: postgres.url });
        return {
          storage: new PostgresContextStorage({ pool }, options),
          isOpen: () => !pool.ended,
          release: async () => {
            if (!pool.ended) await pool.end();
          },
        };
      },
      pause: () => {
        pausePostgres(postgres);
        return () => resumePostgres(postgres);
      },
    },
  },
  {
    // One directory for every storage of the row: its PGlite instance opens once.
    name: 'pglite',
    adapter: 'postgres',
    base: `pglite://${pgliteDir}`,
    connect: (uri, options) => PostgresContextStorage.connect(uri, options),
  },
];

/** `base` with a query. */
export function withQuery(row: AdapterRow, query: string): string {
  return `${row.base}${row.base.includes('?') ? '&' : '?'}${query}`;
}
