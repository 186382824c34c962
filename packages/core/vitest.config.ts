import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Several tests start node or tsc in a child process: seconds each on a loaded machine.
    testTimeout: 30_000,
  },
});
