import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test starts its own servers; no globalSetup here.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
