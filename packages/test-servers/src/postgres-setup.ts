import type { PostgresServerDescriptor } from './postgres-descriptor.js';
import { sweepStalePostgres } from './postgres-dirs.js';
import { type PostgresServerOptions, startPostgres } from './postgres-server.js';

/** What a vitest global setup receives that {@link postgresGlobalSetup} uses (`TestProject`). */
export interface PostgresProvidingProject {
  provide(key: 'postgres', value: PostgresServerDescriptor): void;
}

/**
 * A vitest `globalSetup` that sweeps servers left by killed runs, starts one PostgreSQL server
 * for every test file, hands its descriptor to the tests as `inject('postgres')`, runs `prepare`
 * (roles, databases) and stops the server at the end. Usage, in `test/global-setup.ts`:
 * `export default postgresGlobalSetup({ tls: true });` plus the `ProvidedContext` declaration.
 */
export function postgresGlobalSetup(
  options: PostgresServerOptions & {
    prepare?: (server: PostgresServerDescriptor) => Promise<void>;
  } = {},
): (project: PostgresProvidingProject) => Promise<() => Promise<void>> {
  return async (project) => {
    sweepStalePostgres();
    const server = await startPostgres(options);
    try {
      await options.prepare?.(server.describe());
    } catch (error) {
      await server.stop();
      throw error;
    }
    project.provide('postgres', server.describe());
    return () => server.stop();
  };
}
