import { randomUUID } from 'node:crypto';
import { DBContextStorage } from '@context-storage/core';
import {
  DEFAULT_PREFIX,
  parseRedisUri,
  RedisKeyspace,
  RedisLayoutDriver,
  type RedisStorageOptions,
  uriStorageOptions,
} from '@context-storage/redis-layout';
import { connectNodeRedis } from './node-redis-client.js';
import {
  type NodeRedisClient,
  type NodeRedisCluster,
  NodeRedisConnection,
  type NodeRedisSingleClient,
  nodeRedisKind,
} from './node-redis-connection.js';

/** Options of a {@link NodeRedisContextStorage}. */
export interface NodeRedisStorageOptions extends RedisStorageOptions {
  /**
   * Identifies the data the client reaches (see `DBContextStorage#location`). Derived from the
   * client when omitted; give it for a sentinel client you created, whose options node-redis
   * does not expose (e.g. `redis+sentinel://mymaster/0`).
   */
  location?: string;
}

/**
 * Context storage on Redis through node-redis (`redis` / `@redis/client`), on the same data layout
 * as `@context-storage/ioredis`: one hash per context, loads and saves of one round trip each
 * whatever the dialog length, atomic version-checked saves in Lua, TTL, batches written in one go
 * (per node on a cluster), SCAN-based `len` / `clear` / `ids` inside the prefix only.
 *
 * Open it from a URI with {@link NodeRedisContextStorage.connect} (it then owns the client), or
 * wrap a client, cluster or sentinel you created and connected with
 * `new NodeRedisContextStorage(client, options)`.
 */
export class NodeRedisContextStorage extends DBContextStorage {
  /** The node-redis client, cluster or sentinel. */
  readonly client: NodeRedisClient;
  /** The key prefix. */
  readonly prefix: string;

  /**
   * Wraps a connected client; `close()` leaves it open unless `closeClient` is set.
   *
   * @param client - from `createClient`, `createCluster` or `createSentinel`, connected
   * @param options - prefix, timeout, ownership and the common storage options
   * @throws `InvalidArgumentError` for a bad prefix
   */
  constructor(client: NodeRedisClient, options: NodeRedisStorageOptions = {}) {
    super(nodeRedisDriver(client, options, describeClient(client)), options);
    this.client = client;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
  }

  /**
   * Connects to the Redis of a URI (grammar in the README) and opens a storage that owns the
   * client. Fails fast: a server that cannot be reached rejects within `connectTimeoutMs` with
   * the real cause (refused, wrong password, TLS failure, no answer).
   *
   * @throws `InvalidUriError`, `ConnectionError`
   */
  static async connect(
    uri: string,
    options: NodeRedisStorageOptions = {},
  ): Promise<NodeRedisContextStorage> {
    const target = parseRedisUri(uri);
    const merged = uriStorageOptions(target, options);
    const { client, location } = await connectNodeRedis(target);
    try {
      return new NodeRedisContextStorage(client, { location, ...merged });
    } catch (error) {
      client.destroy();
      throw error;
    }
  }
}

function nodeRedisDriver(
  client: NodeRedisClient,
  options: NodeRedisStorageOptions,
  derived: { location: string; description: string },
): RedisLayoutDriver {
  const connection = new NodeRedisConnection(client, {
    commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
    ownsClient: options.closeClient ?? false,
    location: options.location ?? derived.location,
    description: derived.description,
  });
  return new RedisLayoutDriver(connection, new RedisKeyspace(options.prefix ?? DEFAULT_PREFIX));
}

/** Location and description of a client passed in, from what node-redis exposes. */
function describeClient(client: NodeRedisClient): { location: string; description: string } {
  if (nodeRedisKind(client) === 'cluster') {
    const masters = (client as NodeRedisCluster).masters.map((node) => `${node.host}:${node.port}`);
    return {
      location: `redis+cluster://${masters.sort().join(',')}`,
      description: 'the Redis cluster',
    };
  }
  const options = (client as Partial<NodeRedisSingleClient>).options;
  if (options === undefined) {
    // A sentinel client does not expose its options: without `location`, only this storage
    // object counts as this data.
    return {
      location: `redis+sentinel://unknown-${randomUUID()}`,
      description: 'the Redis master (via sentinel)',
    };
  }
  const socket = (options.socket ?? {}) as { host?: string; port?: number; path?: string };
  const db = options.database ?? 0;
  if (socket.path !== undefined) {
    return {
      location: `redis+unix://${socket.path}?db=${db}`,
      description: `Redis at ${socket.path}`,
    };
  }
  const address = `${socket.host ?? 'localhost'}:${socket.port ?? 6379}`;
  return { location: `redis://${address}/${db}`, description: `Redis at ${address}` };
}
