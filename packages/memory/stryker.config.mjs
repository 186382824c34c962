// Mutation testing of the memory driver and of core's load and save path, with the conformance
// suite on memory as the only tests: it measures how many realistic defects the suite catches.
//
// Run from packages/memory: `pnpm mutation` (it runs Stryker from the repository root, so that
// core's sources are in the sandbox too, then ./mutation/score.mjs). Report:
// packages/memory/reports/mutation/. Survivors no test can kill, with the reason for each:
// ./mutation/equivalent-mutants.mjs. About 17 minutes on two cores.
import { fileURLToPath } from 'node:url';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // pnpm keeps the runner out of Stryker's own node_modules: load it by path.
  plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/vitest-runner'))],
  testRunner: 'vitest',
  vitest: { configFile: 'packages/memory/vitest.mutation.config.ts' },
  // Paths are relative to the repository root (the working directory of the run).
  mutate: [
    'packages/memory/src/memory-driver.ts',
    'packages/core/src/storage.ts',
    'packages/core/src/storage-options.ts',
    'packages/core/src/serializer.ts',
    'packages/core/src/stored-context.ts',
    'packages/core/src/turn-map.ts',
    'packages/core/src/adapter/version-check.ts',
    'packages/core/src/adapter/windows.ts',
    // Context's hooks for its maps (the owner's noteTurnId and fetchItems), its lazy loads
    // (fetchTurns, loadAll) and #fetch; the rest of context.ts is the in-memory model, not the
    // storage path. Line ranges: check them when context.ts changes.
    'packages/core/src/context.ts:121-131',
    'packages/core/src/context.ts:192-214',
    'packages/core/src/context.ts:234-242',
  ],
  // The sandbox holds only what the run imports.
  ignorePatterns: [
    '/*',
    '!/package.json',
    '!/tsconfig.base.json',
    '!/packages',
    '/packages/*',
    '!/packages/core',
    '!/packages/memory',
    '/packages/core/*',
    '!/packages/core/src',
    '!/packages/core/package.json',
    '!/packages/core/tsconfig.json',
    '/packages/memory/*',
    '!/packages/memory/src',
    '!/packages/memory/test',
    '!/packages/memory/package.json',
    '!/packages/memory/tsconfig.json',
    '!/packages/memory/vitest.mutation.config.ts',
  ],
  coverageAnalysis: 'perTest',
  // Two cores, shared.
  concurrency: 2,
  // TTL tests sleep about a second each: a mutant's tests take seconds, not milliseconds.
  timeoutMS: 30_000,
  tempDirName: 'packages/memory/.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'packages/memory/reports/mutation/index.html' },
  jsonReporter: { fileName: 'packages/memory/reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
