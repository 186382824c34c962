// Child process of the memory measurement (see memory.ts): run with `node --expose-gc`, it
// stores `count` contexts of `turns` turns in a MemoryContextStorage and prints, as JSON, the heap
// they hold per context. A process of its own, so that nothing else of the bench is in its heap.
import { MemoryContextStorage } from '@context-storage/memory';
import { DEFAULT_SHAPE } from './config.js';
import type { MemoryResult } from './results.js';
import { nestedDict, turnBytes, turnValues } from './shapes.js';
import { seedStorage } from './targets/adapter-target.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const turns = Number(process.argv[2]);
const count = Number(process.argv[3]);

function heldBytes(): number {
  gc!();
  gc!();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

const storage = new MemoryContextStorage();
// Warm up the code and the cache of turn values (shared, not the storage's) before measuring.
for (let turn = 1; turn <= turns; turn++) turnValues(DEFAULT_SHAPE, turn);
await seedStorage(storage, ['warm-up'], DEFAULT_SHAPE, turns);
await storage.delItem('warm-up');

const before = heldBytes();
const ids = Array.from({ length: count }, (_, index) => `memory-${index}`);
await seedStorage(storage, ids, DEFAULT_SHAPE, turns);
const after = heldBytes();

let payloadBytes = Buffer.byteLength(JSON.stringify(nestedDict(DEFAULT_SHAPE.misc, 1))) + 2;
for (let turn = 1; turn <= turns; turn++) payloadBytes += turnBytes(DEFAULT_SHAPE, turn);
const result: MemoryResult = {
  turns,
  contexts: count,
  bytesPerContext: (after - before) / count,
  payloadBytesPerContext: payloadBytes,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
// Keeps the storage alive up to the measurement.
await storage.close();
