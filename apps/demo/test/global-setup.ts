import { type ProvidedRedisServers, redisGlobalSetup } from '@context-storage/redis-test-servers';

/** One throwaway standalone Redis for every test file (the files run one after another). */
export default redisGlobalSetup({ standalone: true });

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
  }
}
