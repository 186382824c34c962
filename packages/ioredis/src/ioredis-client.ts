import { importClientLibrary } from '@context-storage/core/adapter';
import {
  credentials,
  firstConnection,
  type RedisTarget,
  reconnectDelayMs,
  tlsConnectionOptions,
} from '@context-storage/redis-layout';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { IoRedisClient } from './ioredis-connection.js';

/**
 * Opens an ioredis client for a parsed URI and waits until it is ready, failing fast: the first
 * error (connection refused, wrong password, TLS failure) rejects at once, and a server that
 * accepts TCP but never answers rejects after `connectTimeoutMs`. Only then does
 * `commandTimeoutMs` bound the client's commands: ioredis applies `commandTimeout` to the commands
 * of its own handshake (the ready check's INFO, AUTH, SELECT, CLUSTER SLOTS), which would end the
 * first connection at `commandTimeoutMs` instead. The client library is imported only here.
 *
 * @throws `ConnectionError` with the real cause; `InvalidUriError` for unreadable TLS files;
 *   `MissingPackageError` when ioredis is not installed
 */
export async function connectIoRedis(target: RedisTarget): Promise<IoRedisClient> {
  const ioredis = await importClientLibrary(
    'ioredis',
    '@context-storage/ioredis',
    () => import('ioredis'),
  );
  const common = commonOptions(target);
  let client: IoRedisClient;
  if (target.topology === 'cluster') {
    const options: ClusterOptions = {
      lazyConnect: true,
      redisOptions: common,
      clusterRetryStrategy: reconnectDelayMs,
      enableOfflineQueue: true,
      slotsRefreshTimeout: target.connectTimeoutMs,
      // Node addresses come from CLUSTER SLOTS as IPs; TLS checks the name given in the URI.
      dnsLookup: (address, callback) => callback(null, address),
    };
    client = new ioredis.Cluster(target.nodes, options) as Cluster;
  } else if (target.topology === 'sentinel') {
    const sentinel = target.sentinel!;
    client = new ioredis.Redis({
      ...common,
      sentinels: target.nodes,
      name: sentinel.masterName,
      role: sentinel.role === 'replica' ? 'slave' : 'master',
      sentinelUsername: sentinel.username,
      sentinelPassword: sentinel.password,
      ...(target.tls === undefined ? {} : { enableTLSForSentinelMode: true }),
      sentinelRetryStrategy: reconnectDelayMs,
      db: target.db,
    });
  } else {
    client = new ioredis.Redis({
      ...common,
      ...(target.socketPath === undefined
        ? { host: target.nodes[0]!.host, port: target.nodes[0]!.port }
        : { path: target.socketPath }),
      db: target.db,
    });
  }
  await readyOrFail(client, target);
  if (target.clientName !== undefined) {
    // ioredis ignores a refused CLIENT SETNAME: the name asked for would silently be missing.
    const named = client.call('CLIENT', 'SETNAME', target.clientName);
    await firstConnection(target, named, () => client.disconnect());
  }
  // A cluster's node connections copy their options when they are made, out of reach: there, the
  // connection's own deadline on every call (IoRedisConnection) is the bound.
  if (target.topology !== 'cluster' && target.commandTimeoutMs > 0) {
    (client as Redis).options.commandTimeout = target.commandTimeoutMs;
  }
  return client;
}

function commonOptions(target: RedisTarget): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout: target.connectTimeoutMs,
    // No commandTimeout yet (see connectIoRedis). Commands wait for a reconnect, bounded by the
    // command timeout, instead of failing at once after a number of retries.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelayMs,
    ...credentials(target),
    ...(target.clientName === undefined ? {} : { connectionName: target.clientName }),
    ...(target.tls === undefined ? {} : { tls: tlsConnectionOptions(target) }),
  };
}

/**
 * Connects and waits for `ready`. ioredis retries forever and reports the real cause only on its
 * 'error' event ("Connection is closed." is all `connect()` says), so the first error is captured
 * there and ends the attempt.
 */
async function readyOrFail(client: IoRedisClient, target: RedisTarget): Promise<void> {
  let onError: ((error: Error) => void) | undefined;
  const firstError = new Promise<never>((_, reject) => {
    onError = reject;
    client.once('error', onError);
  });
  // Later errors (an outage) must not crash the process: commands report them.
  client.on('error', () => {});
  try {
    await firstConnection(target, Promise.race([client.connect(), firstError]), () =>
      client.disconnect(),
    );
  } finally {
    if (onError !== undefined) client.off('error', onError);
  }
}
