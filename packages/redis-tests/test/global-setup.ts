import { type ProvidedRedisServers, redisGlobalSetup } from '@context-storage/redis-test-servers';

/**
 * Starts every topology once for all test files: standalone, a 3-master cluster, sentinel with
 * one replica, and a TLS server. The cluster's node timeout is long so that pausing every node in
 * an outage test does not make the nodes mark each other as failed.
 */
export default redisGlobalSetup({
  standalone: true,
  cluster: { nodeTimeoutMs: 60_000 },
  sentinel: true,
  tls: true,
});

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
  }
}
