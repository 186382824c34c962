import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MemoryResult } from './results.js';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./memory-probe.js', import.meta.url));

/**
 * Heap held per context by the memory adapter: `count` contexts of `turns` turns (default shape)
 * stored in a child `node --expose-gc` process, heap used plus external memory after full GCs,
 * before and after. Cost: one process, about a second.
 *
 * @throws when the child fails
 */
export async function measureMemory(turns: number, count: number): Promise<MemoryResult> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', PROBE, String(turns), String(count)],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout) as MemoryResult;
}
