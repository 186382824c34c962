/**
 * Settles like `promise`, or rejects with `timeout()` after `ms` milliseconds, whichever comes
 * first; the timer is cleared either way. `ms <= 0` means no bound. Adapters use it to bound every
 * call to a backend, so that an outage fails in time instead of hanging. Note that the operation
 * itself goes on: a command already sent may still run.
 */
export async function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  timeout: () => Error,
): Promise<T> {
  if (ms <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeout()), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
