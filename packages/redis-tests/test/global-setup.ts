import { type ProvidedRedisServers, redisServersSetup } from '@context-storage/redis-test-servers';
import type { TestProject } from 'vitest/node';

/**
 * Starts every topology once for all test files: standalone, a 3-master cluster, sentinel with
 * one replica, and a TLS server. The cluster's node timeout is long so that pausing every node in
 * an outage test does not make the nodes mark each other as failed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { provided, teardown } = await redisServersSetup({
    standalone: true,
    cluster: { nodeTimeoutMs: 60_000 },
    sentinel: true,
    tls: true,
  });
  project.provide('redis', provided);
  return teardown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
  }
}
