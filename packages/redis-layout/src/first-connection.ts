import { ConnectionError } from '@context-storage/core';
import { withDeadline } from '@context-storage/core/adapter';
import { permissionError } from './permission.js';
import type { RedisTarget } from './redis-uri.js';

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
