import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The mutation run (stryker.config.mjs) tests core's sources, not its build: mutants of
// packages/core/src must be what the conformance suite and the memory driver load.
const coreSource = (path: string) => fileURLToPath(new URL(`../core/src/${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      {
        find: /^@context-storage\/core\/conformance$/,
        replacement: coreSource('conformance/index.ts'),
      },
      {
        find: /^@context-storage\/core\/adapter$/,
        replacement: coreSource('adapter/index.ts'),
      },
      { find: /^@context-storage\/core$/, replacement: coreSource('index.ts') },
    ],
  },
  test: {
    // The conformance suite on memory is the only test of the mutation run.
    include: ['test/conformance.test.ts'],
  },
});
