import { type ProvidedRedisServers, redisGlobalSetup } from '@context-storage/redis-test-servers';

/**
 * One throwaway standalone Redis of this package's own: the timeout tests pause it, which no
 * other package's tests see.
 */
export default redisGlobalSetup({ standalone: true });

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
  }
}
