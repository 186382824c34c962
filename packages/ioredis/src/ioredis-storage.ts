import type { ContextTypes } from '@context-storage/core';
import {
  openRedisStorage,
  type RedisBinding,
  RedisContextStorage,
  type RedisStorageOptions,
} from '@context-storage/redis-layout';
import { connectIoRedis } from './ioredis-client.js';
import { type IoRedisClient, IoRedisConnection, ioredisEndpoint } from './ioredis-connection.js';

/** Options of an {@link IoRedisContextStorage}. */
export type IoRedisStorageOptions = RedisStorageOptions;

/** What is particular to ioredis; the rest is redis-layout's skeleton. */
const IOREDIS: RedisBinding<IoRedisClient> = {
  name: 'ioredis',
  connect: connectIoRedis,
  connection: (client, settings) => new IoRedisConnection(client, settings),
  endpointOf: ioredisEndpoint,
  destroy: (client) => client.disconnect(),
};

/**
 * Context storage on Redis through ioredis: one hash per context, loads and saves of one round
 * trip each whatever the dialog length, atomic version-checked saves in Lua, TTL, batches in one
 * pipeline (per node on a cluster), SCAN-based `len` / `clear` / `ids` inside the prefix only.
 *
 * Open it from a URI with {@link IoRedisContextStorage.connect} (it then owns the client), or
 * wrap a `Redis` / `Cluster` you created with `new IoRedisContextStorage(client, options)`.
 */
export class IoRedisContextStorage<
  T extends ContextTypes = ContextTypes,
> extends RedisContextStorage<IoRedisClient, T> {
  /**
   * Wraps a client; `close()` leaves it open unless `closeClient` is set.
   *
   * @param client - an ioredis `Redis` or `Cluster`
   * @param options - prefix, timeout, ownership and the common storage options
   * @throws `InvalidArgumentError` for a bad prefix
   */
  constructor(client: IoRedisClient, options: IoRedisStorageOptions = {}) {
    super(IOREDIS, client, options);
  }

  /**
   * Connects to the Redis of a URI (grammar in the README) and opens a storage that owns the
   * client; the code's `options` win over the URI's. Fails fast: a server that cannot be reached
   * rejects within `connectTimeoutMs` with the real cause (refused, wrong password, TLS failure,
   * no answer); later calls are bounded by `commandTimeoutMs` (ioredis's own `commandTimeout`).
   *
   * @throws `InvalidUriError`, `ConnectionError`, `PermissionError`; `MissingPackageError` when
   *   ioredis is not installed
   */
  static connect<T extends ContextTypes = ContextTypes>(
    uri: string,
    options: IoRedisStorageOptions = {},
  ): Promise<IoRedisContextStorage<T>> {
    return openRedisStorage(IOREDIS, uri, options, (client, merged) => {
      return new IoRedisContextStorage<T>(client, merged);
    });
  }
}
