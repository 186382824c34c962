import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // Files run one after another: some pause, kill or restart the shared server.
    fileParallelism: false,
    // A file's first PGlite open compiles the WASM build and creates a cluster: 37 s once on an
    // idle CI run, past 60 s on a loaded one.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
