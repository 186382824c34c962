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
 * One throwaway standalone Redis and one PostgreSQL server for every test file (the files run
 * one after another).
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
