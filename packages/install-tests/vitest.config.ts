import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packs the release once and installs it into one shared project (see release-setup.ts).
    globalSetup: ['test/release-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
