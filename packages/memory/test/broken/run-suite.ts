/**
 * Runs the conformance suite on the adapter named by `BROKEN` (`none`: the real memory adapter),
 * under node's own test runner:
 *
 *   BROKEN=lost-update node --import tsx --test --test-reporter=tap test/broken/run-suite.ts
 *
 * Set up exactly as `../conformance.test.ts`: one store shared by every storage of the suite,
 * each under its own prefix. VITEST must be unset, or the suite registers vitest tests instead.
 */
import { describeContextStorage, randomId } from '@context-storage/core/conformance';
import { MEMORY_CAPABILITIES, MemoryStore } from '../../src/index.js';
import { adapterNamed } from './index.js';
import { rawHooks } from './raw-hooks.js';

const name = process.env.BROKEN ?? 'none';
const adapter = adapterNamed(name);
const store = new MemoryStore();

describeContextStorage(
  `memory (broken: ${name})`,
  async (options) => adapter.open(store, randomId('prefix'), options),
  { capabilities: MEMORY_CAPABILITIES, hooks: rawHooks(adapter) },
);
