import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown by a `waitFor` check to stop waiting at once (the server died, for instance). */
export class WaitAborted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitAborted';
  }
}

/** Options of `waitFor`. */
export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Extra text for the timeout error, computed when it is thrown (a log tail). */
  details?: () => string;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Calls `check` until it returns something other than `undefined`, with a deadline. A check that
 * throws counts as "not yet" (its message is kept for the timeout error), except `WaitAborted`,
 * which ends the wait at once.
 *
 * @throws `Error` naming `what`, the last failure and `details()` at the deadline
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof WaitAborted) {
        throw new Error(withDetails(`${what}: ${error.message}`, options), { cause: error });
      }
      last = describe(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        withDetails(
          `timed out after ${options.timeoutMs} ms waiting for ${what} (last: ${last})`,
          options,
        ),
      );
    }
    await sleep(options.intervalMs ?? 20);
  }
}

function withDetails(message: string, options: WaitOptions): string {
  const details = options.details?.() ?? '';
  return details === '' ? message : `${message}\n${details}`;
}

/** Updates the "last" text of a wait: throw this from a check to explain why it is not done. */
export function notYet(reason: string): never {
  throw new Error(reason);
}
