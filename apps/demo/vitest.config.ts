import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // Files run one after another: the outage test pauses and kills the shared Redis.
    fileParallelism: false,
    // A first PGlite open takes seconds, several times that on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
