import { describeContextStorage, randomId } from '@context-storage/core/conformance';
import { MemoryContextStorage, MemoryStore } from '../src/index.js';
import { memoryHooks } from './memory-hooks.js';

// One store shared by every storage of the suite, each under its own prefix: isolation between
// prefixes is tested on shared data, as it would be on a shared Redis.
const store = new MemoryStore();

describeContextStorage(
  'memory',
  async (options) => new MemoryContextStorage({ ...options, store, prefix: randomId('prefix') }),
  {
    capabilities: { ttl: true, crossInstanceCompareAndSet: true, listIds: true },
    hooks: memoryHooks,
  },
);
