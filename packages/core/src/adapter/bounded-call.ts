import { ConnectionError, isContextStorageError } from '../errors.js';
import { withDeadline } from './deadline.js';

/** How an adapter bounds its calls to a backend: see {@link boundedCall}. */
export interface CallBound {
  /** Upper bound of a call, in ms (0: none), as stated in the error. */
  timeoutMs: number;
  /** Extra ms before the bound fires, to let the client's own timeout (with its cause) win. */
  slackMs?: number;
  /** The backend as messages name it, e.g. `Redis at host:port` (never a password). */
  description: string;
  /**
   * Reads a failure the backend told on purpose: the typed error it means (an ACL refusal), or
   * the failure itself for the adapter to handle above the call (a SQL error it retries, with
   * its SQLSTATE); `undefined` makes it a `ConnectionError`.
   */
  refusal?: (error: unknown, what: string) => Error | undefined;
}

/**
 * Awaits a call to a backend with an upper bound, and turns every failure that is not already a
 * `ContextStorageError` into a `ConnectionError` naming the backend and the call (`what`): an
 * unanswered call fails after `timeoutMs` (+ `slackMs`), any other failure keeps its cause
 * (unless `refusal` reads it as another typed error). The one place where an adapter maps
 * transport failures, so that every adapter words them alike.
 * Cost: one timer per call (none when `timeoutMs` is 0).
 *
 * Note that the operation itself goes on after the deadline: a command already sent may still
 * run, which is why a retried version-checked save is safe and a blind one is not.
 *
 * @throws `ConnectionError`, the `ContextStorageError` the call raised, or what `refusal` gives
 */
export async function boundedCall<T>(
  promise: Promise<T>,
  bound: CallBound,
  what: string,
): Promise<T> {
  const { timeoutMs: ms, slackMs = 0, description, refusal } = bound;
  try {
    return await withDeadline(
      promise,
      ms <= 0 ? 0 : ms + slackMs,
      () => new ConnectionError(`${description} did not answer ${what} within ${ms} ms`),
    );
  } catch (error) {
    if (isContextStorageError(error)) throw error;
    throw (
      refusal?.(error, what) ??
      new ConnectionError(`${description} failed ${what}: ${(error as Error).message}`, {
        cause: error,
      })
    );
  }
}
