import { devalueCodec } from '@context-storage/core';
import { describeContextStorage, randomId } from '@context-storage/core/conformance';
import { MemoryContextStorage, MemoryStore } from '../src/index.js';
import { memoryHooks } from './memory-hooks.js';

// One store shared by every storage of the suite, each under its own prefix: isolation between
// prefixes is tested on shared data, as it would be on a shared Redis.
const store = new MemoryStore();

const capabilities = { ttl: true, crossInstanceCompareAndSet: true, listIds: true };

describeContextStorage(
  'memory',
  async (options) => new MemoryContextStorage({ ...options, store, prefix: randomId('prefix') }),
  { capabilities, hooks: memoryHooks },
);

// The same suite with the rich codec: every method must work whatever the codec.
describeContextStorage(
  'memory (devalue codec)',
  async (options) =>
    new MemoryContextStorage({
      codec: devalueCodec,
      ...options,
      store,
      prefix: randomId('prefix'),
    }),
  { capabilities, hooks: memoryHooks },
);
