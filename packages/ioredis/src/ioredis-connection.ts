import { boundedCall } from '@context-storage/core/adapter';
import {
  type ClusterMasters,
  type KeyPage,
  keySlot,
  parseScanReply,
  type RedisCall,
  type RedisConnection,
  type RedisConnectionSettings,
  type RedisEndpoint,
  type RedisReply,
  redisCallBound,
  ScriptsSent,
  scanCluster,
  scanLine,
  scanSingleServer,
  sendAcrossMasters,
} from '@context-storage/redis-layout';
import type { Cluster, Redis } from 'ioredis';

/** Either kind of ioredis client. */
export type IoRedisClient = Redis | Cluster;

/**
 * The redis-layout binding over ioredis: one call as a plain command, several as one pipeline (on
 * a cluster, one per master, sent in parallel), scripts with EVALSHA (EVAL when the server does
 * not know them), SCAN over every master, and ConnectionError for every transport failure.
 */
export class IoRedisConnection implements RedisConnection {
  readonly name = 'ioredis';
  readonly client: IoRedisClient;
  readonly #settings: RedisConnectionSettings;

  /**
   * @param client - a connected (or connecting) ioredis client
   * @param settings - timeout, ownership, description
   */
  constructor(client: IoRedisClient, settings: RedisConnectionSettings) {
    this.client = client;
    this.#settings = settings;
  }

  async send(calls: readonly RedisCall[]): Promise<RedisReply[]> {
    if (calls.length === 0) return [];
    const { client } = this;
    if (isCluster(client)) return this.#bounded(sendOnCluster(client, calls), 'a pipeline');
    if (calls.length === 1) {
      // One call (a load or a save of one context): sent as a plain command, without the cost of
      // a pipeline object (a loop of turns went from about 222 to 176 µs of CPU per turn).
      return this.#bounded(retried(calls, [await sendCall(client, calls[0]!)], client), 'a call');
    }
    return this.#bounded(sendPipeline(client, calls), 'a pipeline');
  }

  async scan(cursor: string | undefined, match: string, count: number): Promise<KeyPage> {
    const { client } = this;
    if (!isCluster(client)) {
      return scanSingleServer(cursor, match, count, (at) =>
        this.#bounded(client.call(...scanLine(at, match, count)).then(parseScanReply), 'SCAN'),
      );
    }
    return this.#bounded(scanCluster(cursor, match, count, clusterMasters(client)), 'SCAN');
  }

  async close(): Promise<void> {
    if (!this.#settings.ownsClient) return;
    // QUIT resolves on the server's OK, before the socket is closed: wait for the 'end' too, so
    // that a closed storage has really let its connection go.
    const ended = new Promise<void>((resolve) => this.client.once('end', () => resolve()));
    try {
      await this.#bounded(this.client.quit(), 'QUIT');
      await this.#bounded(ended, 'the end of the connection');
    } catch {
      this.client.disconnect();
    }
  }

  /** Awaits a client promise with an upper bound, turning transport failures into ConnectionError. */
  #bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    // A little over ioredis's own commandTimeout, which usually fires first with its cause (a
    // cluster opened from a URI has none: this is its bound).
    return boundedCall(
      promise,
      redisCallBound(this.#settings.description, this.#settings.commandTimeoutMs, 250),
      what,
    );
  }
}

/** Scripts sent on each client and cluster node: a script's first call there is an EVAL. */
const SENT = new ScriptsSent();

/** Sends one call, bulk strings as Buffers; a refusal of the server is its reply. */
async function sendCall(client: IoRedisClient, call: RedisCall): Promise<RedisReply> {
  const [command, ...args] = SENT.line(client, call) as [string, ...(string | Buffer)[]];
  try {
    // The arguments as one array, never spread into a call: a save of a long dialog has more
    // arguments than a call's stack takes.
    return (await client.callBuffer(command, args)) as RedisReply;
  } catch (error) {
    if (error instanceof Error && isServerRefusal(error)) return error;
    throw error;
  }
}

/** Sends calls in one pipeline on one connection; a server refusal comes back as its reply. */
async function sendPipeline(client: Redis, calls: readonly RedisCall[]): Promise<RedisReply[]> {
  const pipeline = client.pipeline();
  for (const call of calls) {
    const [command, ...args] = SENT.line(client, call) as [string, ...(string | Buffer)[]];
    pipeline.callBuffer(command, args);
  }
  const results = (await pipeline.exec()) ?? [];
  const replies = calls.map((_, index) => {
    const [error, value] = results[index] ?? [new Error('no reply'), null];
    if (error === null || error === undefined) return value as RedisReply;
    if (!isServerRefusal(error)) throw error;
    return error;
  });
  return retried(calls, replies, client);
}

/** The replies, with the calls a server answered NOSCRIPT sent again with EVAL. */
function retried(
  calls: readonly RedisCall[],
  replies: RedisReply[],
  client: IoRedisClient,
): Promise<RedisReply[]> {
  return SENT.retryUnknown(client, calls, replies, (call) => sendCall(client, call));
}

/**
 * Sends calls on a cluster by Redis's own slot ({@link keySlot}): ioredis's pipelines route by
 * `cluster-key-slot`, which puts a key such as `a{}b}c` in another slot than Redis does, and turn
 * every MOVED of a pipeline that also writes into an error; so the pipelines go to the masters'
 * connections directly, and a redirected call goes again through the cluster client.
 */
async function sendOnCluster(cluster: Cluster, calls: readonly RedisCall[]): Promise<RedisReply[]> {
  const masters = new Map(cluster.nodes('master').map((node) => [nodeKey(node), node]));
  const { replies, moved } = await sendAcrossMasters(calls, keySlot, {
    masterOf: (slot) => {
      const owner = cluster.slots[slot]?.[0];
      return owner === undefined ? undefined : masters.get(owner);
    },
    sendOn: sendPipeline,
    sendRouted: async (call) =>
      (await retried([call], [await sendCall(cluster, call)], cluster))[0]!,
  });
  // ioredis's map may still be right by its own slot, so it would not refresh it by itself.
  if (moved) cluster.refreshSlotsCache();
  return replies;
}

/**
 * A cluster's masters as ioredis knows them, for {@link scanCluster} (SCAN on each: ioredis's own
 * `Cluster#scan` would hit one random node). A refresh re-reads the slot map (`CLUSTER SLOTS`).
 */
function clusterMasters(cluster: Cluster): ClusterMasters {
  return {
    async masters(refresh) {
      if (refresh) await new Promise<void>((resolve) => cluster.refreshSlotsCache(() => resolve()));
      return cluster.nodes('master').map((node) => ({
        address: nodeKey(node),
        scan: (at, match, count) => node.call(...scanLine(at, match, count)).then(parseScanReply),
        clusterNodes: async () => String(await node.call('CLUSTER', 'NODES')),
      }));
    },
  };
}

/** A reply error from the server (WRONGTYPE, NOPERM, OOM...), as opposed to a transport failure. */
function isServerRefusal(error: Error): boolean {
  return error.name === 'ReplyError';
}

/**
 * Where a client points, from its options (a cluster: the seed list it was created with, kept by
 * ioredis outside its public types), for the storage's location.
 */
export function ioredisEndpoint(client: IoRedisClient): RedisEndpoint {
  if (isCluster(client)) {
    const startup = (client as unknown as { startupNodes?: unknown[] }).startupNodes ?? [];
    const seeds = startup.map((node) => {
      const { host = 'localhost', port = 6379 } = (node ?? {}) as { host?: string; port?: number };
      return { host, port };
    });
    return { topology: 'cluster', seeds };
  }
  const { options } = client;
  const db = options.db ?? 0;
  if (options.sentinels) return { topology: 'sentinel', masterName: options.name ?? '', db };
  if (options.path) return { topology: 'unix', socketPath: options.path, db };
  const node = { host: options.host ?? 'localhost', port: options.port ?? 6379 };
  return { topology: 'standalone', node, db };
}

function isCluster(client: IoRedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}
