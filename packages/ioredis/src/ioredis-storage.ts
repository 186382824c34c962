import { DBContextStorage } from '@context-storage/core';
import {
  DEFAULT_PREFIX,
  parseRedisUri,
  RedisKeyspace,
  RedisLayoutDriver,
  type RedisStorageOptions,
  uriStorageOptions,
} from '@context-storage/redis-layout';
import { connectIoRedis } from './ioredis-client.js';
import { type IoRedisClient, IoRedisConnection } from './ioredis-connection.js';

/** Options of an {@link IoRedisContextStorage}. */
export type IoRedisStorageOptions = RedisStorageOptions;

/**
 * Context storage on Redis through ioredis: one hash per context, loads and saves of one round
 * trip each whatever the dialog length, atomic version-checked saves in Lua, TTL, batches in one
 * pipeline (per node on a cluster), SCAN-based `len` / `clear` / `ids` inside the prefix only.
 *
 * Open it from a URI with {@link IoRedisContextStorage.connect} (it then owns the client), or
 * wrap a `Redis` / `Cluster` you created with `new IoRedisContextStorage(client, options)`.
 */
export class IoRedisContextStorage extends DBContextStorage {
  /** The ioredis client. */
  readonly client: IoRedisClient;
  /** The key prefix. */
  readonly prefix: string;

  /**
   * Wraps a client; `close()` leaves it open unless `closeClient` is set.
   *
   * @param client - an ioredis `Redis` or `Cluster`
   * @param options - prefix, timeout, ownership and the common storage options
   * @throws `InvalidArgumentError` for a bad prefix
   */
  constructor(client: IoRedisClient, options: IoRedisStorageOptions = {}) {
    super(ioredisDriver(client, options), options);
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
    options: IoRedisStorageOptions = {},
  ): Promise<IoRedisContextStorage> {
    const target = parseRedisUri(uri);
    const merged = uriStorageOptions(target, options);
    const client = await connectIoRedis(target);
    try {
      return new IoRedisContextStorage(client, merged);
    } catch (error) {
      client.disconnect();
      throw error;
    }
  }
}

function ioredisDriver(client: IoRedisClient, options: IoRedisStorageOptions): RedisLayoutDriver {
  const connection = new IoRedisConnection(client, {
    commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
    ownsClient: options.closeClient ?? false,
  });
  return new RedisLayoutDriver(connection, new RedisKeyspace(options.prefix ?? DEFAULT_PREFIX));
}
