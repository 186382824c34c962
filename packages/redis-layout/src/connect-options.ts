import { ConnectionError, type StorageOptions } from '@context-storage/core';
import { mergeOptions, withDeadline } from '@context-storage/core/adapter';
import { DEFAULT_PREFIX, RedisKeyspace } from './keyspace.js';
import { permissionError } from './permission.js';
import type { RedisTarget } from './redis-uri.js';

/** Options both Redis adapters take besides the common storage options. */
export interface RedisStorageOptions extends StorageOptions {
  /** Key prefix: keys are `<prefix>::<id>`. Default `ctx`. */
  prefix?: string;
  /** Upper bound of every call in ms (0: none). Default 5,000. */
  commandTimeoutMs?: number;
  /** Close the client on `close()`. Default false: a client you pass in stays yours. */
  closeClient?: boolean;
}

/**
 * The options of a storage opened from a URI: the URI's, overridden by the defined programmatic
 * ones, owning its client. Checks the prefix now, so that a bad one fails before connecting.
 *
 * @throws `InvalidArgumentError` for a bad prefix
 */
export function uriStorageOptions<T extends RedisStorageOptions>(
  target: RedisTarget,
  options: T,
): T & { closeClient: true } {
  const merged = {
    ...mergeOptions<T>(
      target.storageOptions as Partial<T>,
      { commandTimeoutMs: target.commandTimeoutMs } as Partial<T>,
      (target.prefix === undefined ? {} : { prefix: target.prefix }) as Partial<T>,
      options,
    ),
    closeClient: true as const,
  } as T & { closeClient: true };
  new RedisKeyspace(merged.prefix ?? DEFAULT_PREFIX);
  return merged;
}

/**
 * Waits for a client's first connection, at most `connectTimeoutMs` (a peer that accepts TCP and
 * never answers), and turns a failure into a ConnectionError naming the (redacted) URI and the
 * real cause, after `abandon()` released the client (a `RedisPermissionError` when the ACL
 * refused a command of the handshake, such as SELECT for a database other than 0).
 *
 * @throws `ConnectionError`, `RedisPermissionError`
 */
export async function firstConnection(
  target: RedisTarget,
  attempt: Promise<unknown>,
  abandon: () => void,
): Promise<void> {
  attempt.catch(() => {}); // reported below; never an unhandled rejection
  const ms = target.connectTimeoutMs;
  try {
    await withDeadline(attempt, ms, () => new Error(`no answer within ${ms} ms`));
  } catch (cause) {
    abandon();
    const context = `cannot connect to ${target.redactedUri}`;
    throw (
      permissionError(context, cause) ??
      new ConnectionError(`${context}: ${(cause as Error).message}`, { cause })
    );
  }
}
