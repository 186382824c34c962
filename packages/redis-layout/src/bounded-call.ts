import { ConnectionError, withDeadline } from '@context-storage/core';
import { permissionError } from './permission.js';

/** How a binding bounds its calls: see {@link boundedCall}. */
export interface CallBound {
  /** Upper bound of a call, in ms (0: none), as stated in the error. */
  timeoutMs: number;
  /** Extra ms before the bound fires, to let the client's own timeout (with its cause) win. */
  slackMs?: number;
  /** The server as messages name it: `Redis at host:port` (never a password). */
  description: string;
}

/**
 * Awaits a client call with an upper bound, turning every transport failure into a
 * `ConnectionError` that names the server and the call (`what`): an unanswered call fails after
 * `timeoutMs` (+ `slackMs`), any other failure keeps its cause; an ACL refusal is a
 * `RedisPermissionError` naming what to grant. Cost: one timer per call.
 *
 * @throws `ConnectionError`, `RedisPermissionError`
 */
export async function boundedCall<T>(
  promise: Promise<T>,
  bound: CallBound,
  what: string,
): Promise<T> {
  const { timeoutMs: ms, slackMs = 0, description } = bound;
  try {
    return await withDeadline(
      promise,
      ms <= 0 ? 0 : ms + slackMs,
      () => new ConnectionError(`${description} did not answer ${what} within ${ms} ms`),
    );
  } catch (error) {
    if (error instanceof ConnectionError) throw error;
    throw (
      permissionError(`${description} refused ${what}`, error) ??
      new ConnectionError(`${description} failed ${what}: ${(error as Error).message}`, {
        cause: error,
      })
    );
  }
}
