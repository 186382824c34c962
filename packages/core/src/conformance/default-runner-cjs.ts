import { nodeRunner, type TestRunner } from './runner.js';

// The CommonJS build of the suite takes this module in place of default-runner.ts (see
// tsdown.config.ts): CommonJS has no top-level await, and vitest refuses require(). Under vitest
// the ES module build is the one loaded (`import` of the suite); a CommonJS test file run by
// vitest must pass its `runner`, and is told so at its first describe.
function vitestUnreachable(): never {
  throw new Error(
    'the CommonJS build of @context-storage/core/conformance cannot load vitest (vitest refuses require()): import the suite from an ES module, or pass options.runner',
  );
}

/** The runner of the current process: `node:test`, or under vitest an explanation. */
export const defaultRunner: TestRunner =
  process.env.VITEST === undefined
    ? nodeRunner(require('node:test') as typeof import('node:test'))
    : { describe: vitestUnreachable, test: vitestUnreachable, skip: vitestUnreachable };
