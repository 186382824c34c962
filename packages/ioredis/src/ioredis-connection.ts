import { boundedCall } from '@context-storage/core/adapter';
import type {
  KeyPage,
  RedisCall,
  RedisConnection,
  RedisReply,
} from '@context-storage/redis-layout';
import {
  asBuffer,
  type ClusterMasters,
  keySlot,
  type RedisConnectionSettings,
  type RedisEndpoint,
  redisCallBound,
  SCRIPTS,
  scanCluster,
  scanSingleServer,
} from '@context-storage/redis-layout';
import type { Cluster, Redis } from 'ioredis';

/** Either kind of ioredis client. */
export type IoRedisClient = Redis | Cluster;

type Pipeline = ReturnType<Redis['pipeline']>;
type ScriptCaller = (key: string, ...args: (string | Uint8Array)[]) => unknown;

/**
 * The redis-layout binding over ioredis: pipelines (one per node on a cluster, sent in
 * parallel), the layout's scripts as ioredis custom commands (EVALSHA, EVAL on first use or
 * NOSCRIPT), SCAN over every master, and ConnectionError for every transport failure.
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
    withScripts(client);
  }

  async send(calls: readonly RedisCall[]): Promise<RedisReply[]> {
    if (calls.length === 0) return [];
    const { client } = this;
    if (isCluster(client)) return this.#bounded(sendOnCluster(client, calls), 'a pipeline');
    if (calls.length === 1) {
      // One call (a load or a save of one context): sent as a plain command, without the cost of
      // a pipeline object (a loop of turns went from about 222 to 176 µs of CPU per turn).
      return [await this.#bounded(sendOne(client, calls[0]!), 'a call')];
    }
    return this.#bounded(sendPipeline(client, calls), 'a pipeline');
  }

  async scan(cursor: string | undefined, match: string, count: number): Promise<KeyPage> {
    const { client } = this;
    if (!isCluster(client)) {
      return scanSingleServer(cursor, match, count, (at) =>
        this.#bounded(client.scan(at, 'MATCH', match, 'COUNT', count), 'SCAN'),
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

/** Sends calls in one pipeline on one connection; a server refusal comes back as its reply. */
async function sendPipeline(client: Redis, calls: readonly RedisCall[]): Promise<RedisReply[]> {
  const pipeline = client.pipeline();
  for (const call of calls) issue(pipeline, call);
  const results = (await pipeline.exec()) ?? [];
  return calls.map((_, index) => {
    const [error, value] = results[index] ?? [new Error('no reply'), null];
    if (error === null || error === undefined) return value as RedisReply;
    if (!isServerRefusal(error)) throw error;
    return error;
  });
}

/**
 * Sends calls on a cluster: one pipeline per master, in parallel, each call on the master that
 * serves its key's slot as Redis computes it ({@link keySlot}). ioredis's own pipelines route by
 * `cluster-key-slot`, which puts a key such as `a{}b}c` in another slot than Redis does, and
 * turn every MOVED of a pipeline that also writes into an error; so the pipelines go to the
 * masters' connections directly, and a call redirected there (MOVED or ASK: the slot moved or is
 * moving; TRYAGAIN, CLUSTERDOWN) did not run and is sent again through the cluster client, which
 * follows redirections itself. Costs one round trip, one more for each redirected call.
 */
async function sendOnCluster(cluster: Cluster, calls: readonly RedisCall[]): Promise<RedisReply[]> {
  const masters = new Map(cluster.nodes('master').map((node) => [nodeKey(node), node]));
  const groups = new Map<Redis | undefined, number[]>();
  calls.forEach((call, index) => {
    const owner = cluster.slots[keySlot(call.key)]?.[0];
    // Unknown before the cluster client read the slot map: it then routes (and waits) itself.
    const node = owner === undefined ? undefined : masters.get(owner);
    const group = groups.get(node);
    if (group === undefined) groups.set(node, [index]);
    else group.push(index);
  });
  const replies: RedisReply[] = new Array(calls.length);
  let moved = false;
  await Promise.all(
    [...groups].map(async ([node, indexes]) => {
      const first =
        node === undefined
          ? await Promise.all(indexes.map((index) => sendOne(cluster, calls[index]!)))
          : await sendPipeline(
              withScripts(node),
              indexes.map((index) => calls[index]!),
            );
      await Promise.all(
        indexes.map(async (callIndex, position) => {
          const reply = first[position]!;
          if (reply instanceof Error && REDIRECTION.test(reply.message)) {
            moved ||= reply.message.startsWith('MOVED');
            replies[callIndex] = await sendOne(cluster, calls[callIndex]!);
          } else {
            replies[callIndex] = reply;
          }
        }),
      );
    }),
  );
  // ioredis's map may still be right by its own slot, so it would not refresh it by itself.
  if (moved) cluster.refreshSlotsCache();
  return replies;
}

/** Replies meaning the call did not run on this node and must go elsewhere (or again). */
const REDIRECTION = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

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
        scan: (at, match, count) => node.scan(at, 'MATCH', match, 'COUNT', count),
        clusterNodes: async () => String(await node.call('CLUSTER', 'NODES')),
      }));
    },
  };
}

/**
 * A client with the layout's scripts defined on it as custom commands; a cluster's masters need
 * their own (those of the cluster object are not theirs).
 */
function withScripts<T extends IoRedisClient>(client: T): T {
  for (const script of SCRIPTS) {
    if (!(script.name in client)) {
      client.defineCommand(script.name, { numberOfKeys: 1, lua: script.source });
    }
  }
  return client;
}

/** Sends one call on a client; a refusal of the server comes back as the reply, an Error. */
async function sendOne(client: IoRedisClient, call: RedisCall): Promise<RedisReply> {
  try {
    return (await issue(client, call)) as RedisReply;
  } catch (error) {
    if (error instanceof Error && isServerRefusal(error)) return error;
    throw error;
  }
}

/**
 * Issues a call on a pipeline (queued; the reply comes with `exec`) or on a client (the reply's
 * promise): both have the same methods, bulk strings as Buffers.
 */
function issue(target: Pipeline | IoRedisClient, call: RedisCall): unknown {
  if (call.kind === 'script') {
    const methods = target as unknown as Record<string, ScriptCaller | undefined>;
    const caller = methods[`${call.script.name}Buffer`];
    if (caller === undefined) throw new Error(`script ${call.script.name} is not defined`);
    return caller.call(target, call.key, ...call.args.map(asBuffer));
  }
  switch (call.command) {
    case 'HMGET':
      return target.hmgetBuffer(call.key, ...call.args);
    case 'HGETALL':
      // The flat [field, value, ...] reply keeps the bytes of every value.
      return target.callBuffer('HGETALL', call.key);
    case 'EXISTS':
      return target.exists(call.key);
    case 'UNLINK':
      return target.unlink(call.key);
  }
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
    const seeds = ((client as unknown as { startupNodes?: unknown[] }).startupNodes ?? []).map(
      (node) => {
        const { host, port } = (typeof node === 'object' && node !== null ? node : {}) as {
          host?: string;
          port?: number;
        };
        return { host: host ?? 'localhost', port: port ?? 6379 };
      },
    );
    return { topology: 'cluster', seeds };
  }
  const { options } = client;
  const db = options.db ?? 0;
  if (options.sentinels) return { topology: 'sentinel', masterName: options.name ?? '', db };
  if (options.path) return { topology: 'unix', socketPath: options.path, db };
  return {
    topology: 'standalone',
    node: { host: options.host ?? 'localhost', port: options.port ?? 6379 },
    db,
  };
}

function isCluster(client: IoRedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}
