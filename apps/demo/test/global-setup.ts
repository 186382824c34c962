import { type ProvidedRedisServers, redisGlobalSetup } from '@context-storage/redis-test-servers';
import { type PostgresServerDescriptor, postgresGlobalSetup } from '@context-storage/test-servers';

const redis = redisGlobalSetup({ standalone: true });
const postgres = postgresGlobalSetup();

/**
 * One throwaway standalone Redis and one PostgreSQL server for every test file (the files run
 * one after another).
 */
export default async function globalSetup(
  project: Parameters<typeof redis>[0] & Parameters<typeof postgres>[0],
): Promise<() => Promise<void>> {
  const [stopRedis, stopPostgres] = await Promise.all([redis(project), postgres(project)]);
  return async () => {
    await Promise.all([stopRedis(), stopPostgres()]);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
    postgres: PostgresServerDescriptor;
  }
}
