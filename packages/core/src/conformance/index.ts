/**
 * The conformance suite of context-storage: every adapter runs it, and so can yours.
 *
 * ```ts
 * import { describeContextStorage } from '@context-storage/core/conformance';
 * describeContextStorage('my-adapter', (options) => openMyStorage({ prefix: randomPrefix(), ...options }), {
 *   capabilities: { ttl: true, crossInstanceCompareAndSet: true, listIds: true },
 * });
 * ```
 *
 * It registers its tests with vitest when run under vitest, else with `node:test`.
 *
 * @module
 */
import { basics } from './basics.js';
import { batch } from './batch.js';
import { concurrency } from './concurrency.js';
import { corrupt } from './corrupt.js';
import { defaultRunner } from './default-runner.js';
import { lazyTurns } from './lazy-turns.js';
import { lifecycle } from './lifecycle.js';
import { listing } from './listing.js';
import { oddIds } from './odd-ids.js';
import { outage } from './outage.js';
import { partial } from './partial.js';
import {
  type ConformanceOptions,
  createSuiteApi,
  type StorageFactory,
  type TestGroup,
} from './suite.js';
import { ttl } from './ttl.js';
import { values } from './values.js';

/** Every test group, by name, in the order they run. */
export const TEST_GROUPS: Readonly<Record<string, TestGroup>> = {
  'seed methods': basics,
  batch,
  'odd ids': oddIds,
  values,
  ttl,
  'partial load and save': partial,
  'lazy turns': lazyTurns,
  'version checks and concurrency': concurrency,
  'corrupt data': corrupt,
  'listing ids': listing,
  close: lifecycle,
  outage,
};

/**
 * Registers the conformance suite for one adapter (and topology) under `name`.
 *
 * @param name - shown as the outer describe block, e.g. `ioredis (cluster)`
 * @param factory - opens a fresh storage isolated from the others (own prefix) on the backend
 * @param options - declared capabilities, optional raw hooks, runner and sizes
 */
export function describeContextStorage(
  name: string,
  factory: StorageFactory,
  options: ConformanceOptions,
): void {
  const runner = options.runner ?? defaultRunner;
  const suite = createSuiteApi(factory, options);
  runner.describe(`context storage conformance: ${name}`, () => {
    for (const [group, register] of Object.entries(TEST_GROUPS)) {
      runner.describe(group, () => register(suite));
    }
  });
}

export { collect, dialog, randomId, rejectsWith, saveDialog, sleep } from './fixtures.js';
export type { TestRunner } from './runner.js';
export type {
  ConformanceHooks,
  ConformanceOptions,
  CorruptionTarget,
  Requirement,
  StorageFactory,
  SuiteApi,
  TestEnv,
  TestGroup,
} from './suite.js';
