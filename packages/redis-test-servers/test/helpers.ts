import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== 'ESRCH';
  }
}

/**
 * Asserts that a pid no longer exists: `kill(pid, 0)` fails with ESRCH. A process that a test
 * worker restarted is reparented to init when the worker exits, and init reaps it a moment after it
 * dies: allow 2 s for that.
 */
export async function expectGone(pid: number): Promise<void> {
  const deadline = Date.now() + 2000;
  while (exists(pid) && Date.now() < deadline) await sleep(10);
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

/** Asserts that a directory was removed. */
export function expectRemoved(dir: string): void {
  expect(existsSync(dir)).toBe(false);
}
