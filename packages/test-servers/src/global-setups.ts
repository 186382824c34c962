/** A vitest `globalSetup` function: starts something for the run, resolves how to stop it. */
export type GlobalSetup<Project> = (project: Project) => Promise<() => Promise<void>>;

/**
 * One vitest `globalSetup` made of several (a Redis and a PostgreSQL server, say): they start
 * together, and stop together at the end. When one fails to start, those that started are
 * stopped before the error is thrown, so no server outlives a failed setup.
 *
 * @throws what the first failing setup threw
 */
export function combinedGlobalSetup<Project>(
  ...setups: GlobalSetup<Project>[]
): GlobalSetup<Project> {
  return async (project) => {
    const started = await Promise.allSettled(setups.map((setup) => setup(project)));
    const stops = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const stopAll = async () => {
      await Promise.all(stops.map((stop) => stop()));
    };
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await stopAll();
      throw (failed as PromiseRejectedResult).reason;
    }
    return stopAll;
  };
}
