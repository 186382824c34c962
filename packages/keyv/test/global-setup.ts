import { type ProvidedRedisServers, redisGlobalSetup } from '@context-storage/redis-test-servers';

/** One throwaway standalone Redis for the @keyv/redis rows. */
export default redisGlobalSetup({ standalone: true });

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
  }
}
