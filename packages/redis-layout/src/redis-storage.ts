import {
  type ClientAdapterOptions,
  type ContextTypes,
  DBContextStorage,
  InvalidUriError,
} from '@context-storage/core';
import { mergeOptions, storageLocation } from '@context-storage/core/adapter';
import type { RedisConnection } from './connection.js';
import { DEFAULT_PREFIX, RedisKeyspace } from './keyspace.js';
import { RedisLayoutDriver } from './redis-driver.js';
import {
  endpointBackend,
  endpointDescription,
  type RedisEndpoint,
  targetEndpoint,
} from './redis-endpoint.js';
import { parseRedisUri, type RedisTarget } from './redis-uri.js';

/** Default upper bound of every call, in ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

/** Options of both Redis adapters, the same in the URI's query and in code (the code's win). */
export interface RedisStorageOptions extends ClientAdapterOptions {
  /** Key prefix: keys are `<prefix>::<id>`. Default `ctx`. */
  prefix?: string;
  /** Bound on the first connection in ms, when opening from a URI. Default 10,000. */
  connectTimeoutMs?: number;
  /**
   * Where the client points, for the storage's location; read from the client when omitted.
   * Give it for a node-redis sentinel client, whose options node-redis does not expose:
   * `{ topology: 'sentinel', masterName: 'mymaster', db: 0 }`.
   */
  endpoint?: RedisEndpoint;
}

/** What a connection is made with: the bound of its calls, its ownership, where it points. */
export interface RedisConnectionSettings {
  /** Upper bound of every call in ms (0: none). */
  commandTimeoutMs: number;
  /** Whether `close()` closes the client. */
  ownsClient: boolean;
  /** The server as messages name it (never a password). */
  description: string;
}

/**
 * What differs per Redis client library: the one part a binding writes. Everything else (URI,
 * option precedence, keyspace, location, driver, storage) is the skeleton's.
 */
export interface RedisBinding<Client> {
  /** Adapter name: `ioredis`, `node-redis`. */
  readonly name: 'ioredis' | 'node-redis';
  /**
   * Opens a client for a parsed URI (importing the library only now) and waits for its first
   * connection within `target.connectTimeoutMs`; later calls are bounded by
   * `target.commandTimeoutMs`.
   *
   * @throws `ConnectionError` with the real cause, `PermissionError`, `InvalidUriError`
   */
  connect(target: RedisTarget): Promise<Client>;
  /** The binding's connection over a client. */
  connection(client: Client, settings: RedisConnectionSettings): RedisConnection;
  /**
   * Where a client passed in points, from what it exposes.
   *
   * @throws `InvalidArgumentError` when the client does not tell (give `endpoint`)
   */
  endpointOf(client: Client): RedisEndpoint;
  /** Drops a client that could not become a storage. */
  destroy(client: Client): void;
}

/**
 * A context storage on Redis: the one skeleton under both Redis adapters. One hash per context,
 * loads and saves of one round trip each whatever the dialog length, atomic version-checked saves
 * in Lua, TTL, batches in one round trip (per node on a cluster), SCAN-based `len` / `clear` /
 * `ids` inside the prefix only.
 */
export class RedisContextStorage<
  Client,
  T extends ContextTypes = ContextTypes,
> extends DBContextStorage<T> {
  /** The client. */
  readonly client: Client;
  /** The key prefix. */
  readonly prefix: string;

  /**
   * Wraps a client; `close()` leaves it open unless `closeClient` is set.
   *
   * @param binding - the client library's binding
   * @param client - a connected (or connecting) client
   * @param options - prefix, timeout, ownership, endpoint and the common storage options
   * @throws `InvalidArgumentError` for a bad prefix, or a client that does not tell where it points
   */
  constructor(binding: RedisBinding<Client>, client: Client, options: RedisStorageOptions = {}) {
    const keyspace = new RedisKeyspace(options.prefix ?? DEFAULT_PREFIX);
    const endpoint = options.endpoint ?? binding.endpointOf(client);
    const connection = binding.connection(client, {
      commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      ownsClient: options.closeClient ?? false,
      description: endpointDescription(endpoint),
    });
    const location = storageLocation(endpointBackend(endpoint), keyspace.prefix);
    super(new RedisLayoutDriver(connection, keyspace, location), options);
    this.client = client;
    this.prefix = keyspace.prefix;
  }
}

/**
 * Opens a storage from a Redis URI (grammar in the README), owning its client: parses the URI,
 * merges the code's options over the URI's, checks the prefix before connecting, connects within
 * the first-connection bound, and builds the storage with `make` (the binding's class). Fails
 * fast: a server that cannot be reached rejects within `connectTimeoutMs` with the real cause.
 *
 * @throws `InvalidUriError`, `InvalidArgumentError`, `ConnectionError`, `PermissionError`
 */
export async function openRedisStorage<Client, Storage>(
  binding: RedisBinding<Client>,
  uri: string,
  options: RedisStorageOptions,
  make: (client: Client, options: RedisStorageOptions) => Storage,
): Promise<Storage> {
  const target = parseRedisUri(uri);
  if (target.client !== undefined && target.client !== binding.name) {
    throw new InvalidUriError(
      target.redactedUri,
      `client=${target.client} names another adapter than ${binding.name}`,
    );
  }
  const merged = mergeOptions<RedisStorageOptions>(
    target.options,
    {
      connectTimeoutMs: target.connectTimeoutMs,
      commandTimeoutMs: target.commandTimeoutMs,
      closeClient: true,
      endpoint: targetEndpoint(target),
    },
    options,
  );
  new RedisKeyspace(merged.prefix ?? DEFAULT_PREFIX); // a bad prefix fails before connecting
  const client = await binding.connect({
    ...target,
    connectTimeoutMs: merged.connectTimeoutMs ?? target.connectTimeoutMs,
    commandTimeoutMs: merged.commandTimeoutMs ?? target.commandTimeoutMs,
  });
  try {
    return make(client, merged);
  } catch (error) {
    binding.destroy(client);
    throw error;
  }
}
