import { type ProvidedRedisServers, redisServersSetup } from '@context-storage/redis-test-servers';
import type { TestProject } from 'vitest/node';

/** One throwaway standalone Redis for every test file (the files run one after another). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { provided, teardown } = await redisServersSetup({ standalone: true });
  project.provide('redis', provided);
  return teardown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    redis: ProvidedRedisServers;
  }
}
