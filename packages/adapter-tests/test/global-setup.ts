import {
  type ProvidedRedisServers,
  type ProvidingProject,
  redisGlobalSetup,
} from '@context-storage/redis-test-servers';
import {
  combinedGlobalSetup,
  type PostgresProvidingProject,
  type PostgresServerDescriptor,
  postgresGlobalSetup,
} from '@context-storage/test-servers';

/**
 * A throwaway standalone Redis and PostgreSQL server of this package's own: the timeout tests
 * pause them, which no other package's tests see.
 */
export default combinedGlobalSetup<ProvidingProject & PostgresProvidingProject>(
  redisGlobalSetup({ standalone: true }),
  postgresGlobalSetup(),
);

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
    postgres: PostgresServerDescriptor;
  }
}
