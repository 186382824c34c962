import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The smoke test runs the whole quick mode (about 55 s alone, more next to other packages' tests).
    testTimeout: 240_000,
  },
});
