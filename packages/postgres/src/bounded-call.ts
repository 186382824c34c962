// The generic part core does not offer yet (it will move to @context-storage/core/adapter): a
// client call with an upper bound whose failures become a ConnectionError naming the database.
import { ConnectionError, isContextStorageError, withDeadline } from '@context-storage/core';

/** How a binding bounds its calls: see {@link boundedCall}. */
export interface CallBound {
  /** Upper bound of a call, in ms (0: none), as stated in the error. */
  timeoutMs: number;
  /** Extra ms before the bound fires, to let the client's own timeout (with its cause) win. */
  slackMs?: number;
  /** The database as messages name it: `PostgreSQL at host:port/db` (never a password). */
  description: string;
}

/**
 * Awaits a client call with an upper bound. An unanswered call fails after `timeoutMs` (+
 * `slackMs`) with a `ConnectionError`; a failure `isTransport` accepts becomes a `ConnectionError`
 * with its cause; any other failure (a database error with a SQLSTATE) is rethrown as it is.
 * Cost: one timer per call.
 *
 * @throws `ConnectionError`, or the call's own non-transport error
 */
export async function boundedCall<T>(
  promise: Promise<T>,
  bound: CallBound,
  what: string,
  isTransport: (error: unknown) => boolean,
): Promise<T> {
  const { timeoutMs: ms, slackMs = 0, description } = bound;
  try {
    return await withDeadline(
      promise,
      ms <= 0 ? 0 : ms + slackMs,
      () => new ConnectionError(`${description} did not answer ${what} within ${ms} ms`),
    );
  } catch (error) {
    if (isContextStorageError(error) || !isTransport(error)) throw error;
    throw new ConnectionError(`${description} failed ${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
