import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  childrenOf,
  isProcessRunning,
  killAndWait,
  pauseProcess,
  processState,
  resumeProcess,
  terminate,
} from '../src/index.js';

const started: ChildProcess[] = [];

afterEach(async () => {
  for (const child of started.splice(0)) {
    const pids = [child.pid!, ...childrenOf(child.pid!)];
    for (const pid of pids) if (isProcessRunning(pid)) process.kill(pid, 'SIGKILL');
  }
});

/** A shell with `count` children: busy loops (always runnable) or sleeps. */
async function tree(count: number, busy: boolean): Promise<{ parent: number; children: number[] }> {
  const work = busy ? 'while :; do :; done' : 'sleep 60';
  const script = `${Array.from({ length: count }, () => `(${work}) &`).join(' ')} wait`;
  const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
  started.push(child);
  const parent = child.pid!;
  for (let i = 0; i < 200 && childrenOf(parent).length < count; i += 1) await sleep(10);
  const children = childrenOf(parent);
  expect(children).toHaveLength(count);
  return { parent, children };
}

describe('pauseProcess', () => {
  it('returns once every process of the tree is stopped, even busy ones on a loaded machine', async () => {
    const { parent, children } = await tree(4, true);
    const paused = pauseProcess(parent, { withChildren: true });
    expect(new Set(paused)).toEqual(new Set([parent, ...children]));
    // Read at once: a busy process that was merely signalled would still show R here.
    expect(paused.map(processState)).toEqual(paused.map(() => 'T'));
    resumeProcess(parent, { withChildren: true });
    for (let i = 0; i < 100 && children.some((pid) => processState(pid) === 'T'); i += 1) {
      await sleep(5);
    }
    expect(children.map(processState).filter((state) => state === 'T')).toEqual([]);
  });

  it('without withChildren, stops the parent only', async () => {
    const { parent, children } = await tree(2, false);
    expect(pauseProcess(parent)).toEqual([parent]);
    expect(processState(parent)).toBe('T');
    expect(children.map(processState)).not.toContain('T');
  });
});

describe('killAndWait and terminate', () => {
  it('killAndWait with withChildren kills the whole tree, paused or not', async () => {
    const { parent, children } = await tree(2, false);
    pauseProcess(parent, { withChildren: true });
    await killAndWait(parent, { withChildren: true });
    expect([parent, ...children].filter(isProcessRunning)).toEqual([]);
  });

  it('terminate ends a paused process with its stop signal', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    started.push(child);
    const exited = new Promise((resolve) => child.once('exit', (_code, name) => resolve(name)));
    pauseProcess(child.pid!);
    await terminate(child.pid!, { signal: 'SIGINT' });
    expect(await exited).toBe('SIGINT');
  });

  it('terminate kills, after the grace time, children that outlive their parent', async () => {
    // sh dies on SIGTERM; its background sleeps do not (reparented, they would leak).
    const { parent, children } = await tree(2, false);
    await terminate(parent, { withChildren: true, graceMs: 200 });
    expect([parent, ...children].filter(isProcessRunning)).toEqual([]);
  });
});
