import { type ContextTypes, InvalidArgumentError } from '@context-storage/core';
import {
  openRedisStorage,
  type RedisBinding,
  RedisContextStorage,
  type RedisEndpoint,
  type RedisNode,
  type RedisStorageOptions,
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
export type NodeRedisStorageOptions = RedisStorageOptions;

/** What is particular to node-redis; the rest is redis-layout's skeleton. */
const NODE_REDIS: RedisBinding<NodeRedisClient> = {
  name: 'node-redis',
  connect: connectNodeRedis,
  connection: (client, settings) => new NodeRedisConnection(client, settings),
  endpointOf: nodeRedisEndpoint,
  destroy: (client) => void client.destroy(),
};

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
export class NodeRedisContextStorage<
  T extends ContextTypes = ContextTypes,
> extends RedisContextStorage<NodeRedisClient, T> {
  /**
   * Wraps a connected client; `close()` leaves it open unless `closeClient` is set.
   *
   * @param client - from `createClient`, `createCluster` or `createSentinel`, connected
   * @param options - prefix, timeout, ownership and the common storage options; for a sentinel
   *   client, `endpoint: { topology: 'sentinel', masterName, db }` (node-redis does not expose it)
   * @throws `InvalidArgumentError` for a bad prefix, or a sentinel client without `endpoint`
   */
  constructor(client: NodeRedisClient, options: NodeRedisStorageOptions = {}) {
    super(NODE_REDIS, client, options);
  }

  /**
   * Connects to the Redis of a URI (grammar in the README) and opens a storage that owns the
   * client; the code's `options` win over the URI's. Fails fast: a server that cannot be reached
   * rejects within `connectTimeoutMs` with the real cause (refused, wrong password, TLS failure,
   * no answer); later calls are bounded by `commandTimeoutMs`.
   *
   * @throws `InvalidUriError`, `ConnectionError`, `PermissionError`; `MissingPackageError` when
   *   redis is not installed
   */
  static connect<T extends ContextTypes = ContextTypes>(
    uri: string,
    options: NodeRedisStorageOptions = {},
  ): Promise<NodeRedisContextStorage<T>> {
    return openRedisStorage(
      NODE_REDIS,
      uri,
      options,
      (client, merged) => new NodeRedisContextStorage<T>(client, merged),
    );
  }
}

/**
 * Where a client passed in points, from what node-redis exposes: a client's socket options, a
 * cluster's root nodes (the seeds it was created with).
 *
 * @throws `InvalidArgumentError` for a sentinel client, whose options node-redis keeps private
 */
function nodeRedisEndpoint(client: NodeRedisClient): RedisEndpoint {
  const kind = nodeRedisKind(client);
  if (kind === 'cluster') {
    const roots = (client as NodeRedisCluster)._options.rootNodes ?? [];
    const seeds = roots.map((root) => {
      const { host = 'localhost', port = 6379 } = (root.socket ?? {}) as Partial<RedisNode>;
      return { host, port };
    });
    return { topology: 'cluster', seeds };
  }
  if (kind === 'sentinel') {
    throw new InvalidArgumentError(
      "node-redis does not expose a sentinel client's master: give it as the option endpoint: { topology: 'sentinel', masterName: 'mymaster', db: 0 }",
    );
  }
  const options = (client as NodeRedisSingleClient).options;
  const socket = (options?.socket ?? {}) as { host?: string; port?: number; path?: string };
  const { host = 'localhost', port = 6379, path } = socket;
  const db = options?.database ?? 0;
  if (path !== undefined) return { topology: 'unix', socketPath: path, db };
  return { topology: 'standalone', node: { host, port }, db };
}
