import { boundedCall } from '@context-storage/core/adapter';
import {
  type ClusterMasters,
  type CommandLine,
  type KeyPage,
  parseScanReply,
  type RedisCall,
  type RedisConnection,
  type RedisConnectionSettings,
  type RedisReply,
  redisCallBound,
  ScriptsSent,
  scanCluster,
  scanLine,
  scanSingleServer,
} from '@context-storage/redis-layout';
import type { RedisClientType, RedisClusterType, RedisSentinelType } from 'redis';

// biome-ignore lint/complexity/noBannedTypes: node-redis's own type for "no modules, scripts..."
type None = {};

/** Scripts sent on each client: a script's first call there is an EVAL (see ScriptsSent). */
const SENT = new ScriptsSent();

/** A node-redis client made by `createClient`. */
export type NodeRedisSingleClient = RedisClientType<None, None, None, 2 | 3, None>;
/** A node-redis cluster made by `createCluster`. */
export type NodeRedisCluster = RedisClusterType<None, None, None, 2 | 3, None>;
/** A node-redis sentinel client made by `createSentinel`. */
export type NodeRedisSentinel = RedisSentinelType<None, None, None, 2 | 3, None>;
/** Any node-redis client the adapter accepts. */
export type NodeRedisClient = NodeRedisSingleClient | NodeRedisCluster | NodeRedisSentinel;

/** The three kinds of node-redis client, which send commands differently. */
export type NodeRedisKind = 'client' | 'cluster' | 'sentinel';

/** Tells a cluster (it lists its masters) and a sentinel client from a plain client. */
export function nodeRedisKind(client: NodeRedisClient): NodeRedisKind {
  if ('masters' in client) return 'cluster';
  if ('getSentinelNode' in client || 'getMasterNode' in client) return 'sentinel';
  return 'client';
}

/**
 * The redis-layout binding over node-redis: calls issued together are written together
 * (node-redis pipelines commands of one tick on each connection, per node on a cluster), replies
 * keep bulk strings as Buffers, scripts run with EVALSHA and fall back to EVAL on NOSCRIPT, SCAN
 * runs on every master, and every transport failure is a ConnectionError.
 */
export class NodeRedisConnection implements RedisConnection {
  readonly name = 'node-redis';
  readonly client: NodeRedisClient;
  readonly #options: RedisConnectionSettings;
  /** Which kind of client it is, told once: every call is routed by it. */
  readonly #kind: NodeRedisKind;

  /**
   * @param client - a connected node-redis client, cluster or sentinel
   * @param options - timeout, ownership, description
   */
  constructor(client: NodeRedisClient, options: RedisConnectionSettings) {
    this.client = client;
    this.#kind = nodeRedisKind(client);
    this.#options = options;
  }

  async send(calls: readonly RedisCall[]): Promise<RedisReply[]> {
    if (calls.length === 0) return [];
    const client = this.client;
    const send = (call: RedisCall) => this.#sendLine(call.key, SENT.line(client, call));
    return this.#bounded(
      (async () => {
        const first = await Promise.all(calls.map(send));
        return SENT.retryUnknown(client, calls, first, send);
      })(),
      'a batch',
    );
  }

  async scan(cursor: string | undefined, match: string, count: number): Promise<KeyPage> {
    if (this.#kind !== 'cluster') {
      return scanSingleServer(cursor, match, count, (at) =>
        this.#bounded(this.#send('', scanLine(at, match, count)).then(parseScanReply), 'SCAN'),
      );
    }
    const masters = clusterMasters(this.client as NodeRedisCluster);
    return this.#bounded(scanCluster(cursor, match, count, masters), 'SCAN');
  }

  async close(): Promise<void> {
    if (!this.#options.ownsClient) return;
    try {
      await this.#bounded(this.client.close(), 'close');
    } catch {
      this.client.destroy();
    }
  }

  /** Sends one command line; a refusal of the server (an `ErrorReply`) is its reply. */
  async #sendLine(key: string, line: CommandLine): Promise<RedisReply> {
    try {
      return (await this.#send(key, line)) as RedisReply;
    } catch (error) {
      if (isServerRefusal(error)) return error as Error;
      throw error;
    }
  }

  /** Sends one command on the right connection, bulk strings as Buffers. */
  #send(key: string, args: CommandLine): Promise<unknown> {
    const options = { typeMapping: BUFFERS };
    switch (this.#kind) {
      case 'cluster':
        return (this.client as NodeRedisCluster).sendCommand(key, false, args, options);
      case 'sentinel':
        return (this.client as NodeRedisSentinel).sendCommand(false, args, options);
      case 'client':
        return (this.client as NodeRedisSingleClient).sendCommand(args, options);
    }
  }

  /** Awaits with an upper bound, turning transport failures into ConnectionError. */
  #bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    const { commandTimeoutMs, description } = this.#options;
    return boundedCall(promise, redisCallBound(description, commandTimeoutMs), what);
  }
}

/**
 * A cluster's masters as node-redis knows them, for {@link scanCluster}. node-redis offers no
 * public way to re-read the topology (it does so itself after a MOVED), so a refresh only reads
 * its current list again.
 */
function clusterMasters(cluster: NodeRedisCluster): ClusterMasters {
  return {
    async masters() {
      return Promise.all(
        cluster.masters.map(async (master) => {
          const node = await cluster.nodeClient(master);
          return {
            address: `${master.host}:${master.port}`,
            scan: async (at: string, match: string, count: number) =>
              parseScanReply(await node.sendCommand(scanLine(at, match, count))),
            clusterNodes: async () => String(await node.sendCommand(['CLUSTER', 'NODES'])),
          };
        }),
      );
    },
  };
}

/**
 * Reply types the layout expects whatever the protocol: bulk strings as Buffers
 * (RESP_TYPES.BLOB_STRING, 36 '$') and, on RESP3 (node-redis's default), maps such as HGETALL's as
 * flat `[field, value, ...]` arrays (RESP_TYPES.MAP, 37 '%'), as on RESP2.
 */
const BUFFERS = { 36: Buffer, 37: Array } as const;

/**
 * A reply error from the server (WRONGTYPE, NOPERM, NOSCRIPT...), not a transport failure:
 * node-redis raises those as (subclasses of) `ErrorReply`. Checked by class name, so that the
 * client library is not imported before a storage is opened.
 */
function isServerRefusal(error: unknown): boolean {
  for (
    let proto = error;
    proto !== null && proto !== undefined;
    proto = Object.getPrototypeOf(proto)
  ) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'ErrorReply')
      return true;
    if (proto === Error.prototype) return false;
  }
  return false;
}
