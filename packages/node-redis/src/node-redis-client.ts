import { InvalidUriError } from '@context-storage/core';
import { importClientLibrary } from '@context-storage/core/adapter';
import {
  aclRefusal,
  credentials,
  firstConnection,
  type RedisTarget,
  reconnectDelayMs,
  tlsConnectionOptions,
} from '@context-storage/redis-layout';
import type {
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisSentinel,
  NodeRedisSingleClient,
} from './node-redis-connection.js';

/**
 * Opens a node-redis client for a parsed URI and waits until it is ready, failing fast. node-redis
 * retries a first connection forever (`connect()` never settles); here the reconnect strategy
 * gives up with the real cause until the first connection is made (refused, wrong password, TLS
 * failure), and a server that accepts TCP but never answers fails after `connectTimeoutMs`. Once
 * connected, the client reconnects by itself. The client library is imported only here.
 *
 * @throws `ConnectionError` with the real cause; `InvalidUriError` for unreadable TLS files or a
 * replica role (the storage writes, so it needs the master); `MissingPackageError` when redis is
 * not installed
 */
export async function connectNodeRedis(target: RedisTarget): Promise<NodeRedisClient> {
  const redis = await importClientLibrary(
    'redis',
    '@context-storage/node-redis',
    () => import('redis'),
  );
  let connected = false;
  const reconnectStrategy = (retries: number, cause: Error) =>
    connected ? reconnectDelayMs(retries + 1) : cause;
  const socket = {
    connectTimeout: target.connectTimeoutMs,
    reconnectStrategy,
    ...tlsSocketOptions(target),
  };
  const common = {
    ...credentials(target),
    ...(target.clientName === undefined ? {} : { name: target.clientName }),
    // Chosen by measurement (bench/client-options.mjs, README): node-redis's own per-command
    // timeout (5 s by default) costs ~3x throughput at 64 calls in flight and does not fire once a
    // command is written; the connection bounds every call with one timer of its own instead.
    RESP: 2 as const,
    commandOptions: { timeout: 0 },
  };

  let client: NodeRedisClient;
  if (target.topology === 'cluster') {
    client = redis.createCluster({
      rootNodes: target.nodes.map((node) => ({ socket: { host: node.host, port: node.port } })),
      defaults: { ...common, socket },
      RESP: 2,
      commandOptions: { timeout: 0 },
    }) as unknown as NodeRedisCluster;
  } else if (target.topology === 'sentinel') {
    const sentinel = target.sentinel;
    if (sentinel.role === 'replica') {
      throw new InvalidUriError(target.redactedUri, 'the storage writes: it needs role=master');
    }
    client = redis.createSentinel({
      name: sentinel.masterName,
      sentinelRootNodes: target.nodes.map((node) => ({ host: node.host, port: node.port })),
      nodeClientOptions: { ...common, database: target.db, socket },
      sentinelClientOptions: { ...credentials(sentinel), socket },
      RESP: 2,
      commandOptions: { timeout: 0 },
    }) as unknown as NodeRedisSentinel;
  } else {
    const node = target.nodes[0];
    client = redis.createClient({
      ...common,
      database: target.db,
      socket:
        target.socketPath === undefined
          ? { ...socket, host: node!.host, port: node!.port }
          : { ...socket, path: target.socketPath },
    }) as unknown as NodeRedisSingleClient;
  }
  // Errors after the first connection (an outage) must not crash the process: calls report them.
  // Before it, the last one is kept: a cluster's connect() rejects with "All the root nodes are
  // unavailable" only, when the event said why (a refused CLUSTER SLOTS).
  let emitted: unknown;
  client.on('error', (error: unknown) => {
    if (!connected) emitted = error;
  });

  await firstConnection(
    target,
    (client.connect() as Promise<unknown>).then(
      () => {
        connected = true;
      },
      (error: unknown) => {
        throw aclRefusal(error) === undefined && aclRefusal(emitted) !== undefined
          ? emitted
          : error;
      },
    ),
    () => client.destroy(),
  );
  return client;
}

function tlsSocketOptions(target: RedisTarget): Record<string, unknown> {
  const tls = tlsConnectionOptions(target);
  return tls === undefined ? {} : { tls: true, ...tls };
}
