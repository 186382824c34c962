import { nodeRunner, type TestRunner, vitestRunner } from './runner.js';

/** The runner of the current process: vitest's under vitest, `node:test` anywhere else. */
export const defaultRunner: TestRunner =
  process.env.VITEST === undefined
    ? nodeRunner(await import('node:test'))
    : vitestRunner(await import('vitest'));
