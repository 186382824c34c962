import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isProcessRunning,
  type LaunchOptions,
  launchProcess,
  notYet,
  ServerStartError,
  startOnFreePort,
  tailFile,
} from '../src/index.js';

let dir: string;
let outputFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ts-launch-'));
  outputFile = join(dir, 'out.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A "server" run by sh: `script` runs in `dir`, and it serves once `dir/ready` exists. */
function shell(script: string, overrides: Partial<LaunchOptions<true>> = {}): LaunchOptions<true> {
  return {
    command: '/bin/sh',
    args: ['-c', script],
    cwd: dir,
    outputFile,
    detached: false,
    what: 'the shell to be ready',
    ready: async () => (existsSync(join(dir, 'ready')) ? true : notYet('no ready file')),
    timeoutMs: 5000,
    details: () => `log:\n${tailFile(outputFile, 5)}`,
    logTail: () => tailFile(outputFile, 5),
    ...overrides,
  };
}

describe('launchProcess', () => {
  it('resolves the child once ready says so, its output in the output file', async () => {
    const { child, ready } = await launchProcess(shell('echo starting; touch ready; sleep 30'));
    try {
      expect(ready).toBe(true);
      expect(isProcessRunning(child.pid!)).toBe(true);
      expect(readFileSync(outputFile, 'utf8')).toBe('starting\n');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a process that exits first fails at once with its log tail', async () => {
    const started = Date.now();
    const error = await launchProcess(shell('echo bad argument >&2; exit 2')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as Error).message).toMatch(
      /^the shell to be ready: the process exited with code 2 before it served\nlog:\nbad argument$/,
    );
    expect((error as ServerStartError).logTail).toBe('bad argument');
    expect((error as ServerStartError).addressInUse).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a process that never serves is killed at the deadline, with the last reason', async () => {
    let pid: number | undefined;
    const error = await launchProcess(
      shell('echo waiting; sleep 30', {
        timeoutMs: 300,
        onSpawn: (child) => {
          pid = child.pid;
        },
      }),
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(
      'timed out after 300 ms waiting for the shell to be ready (last: no ready file)',
    );
    expect((error as ServerStartError).logTail).toBe('waiting');
    expect(isProcessRunning(pid!)).toBe(false);
  });

  it('throws the launcher’s own error class, which tells a port taken meanwhile', async () => {
    class ExampleStartError extends ServerStartError {}
    const error = await launchProcess(
      shell('echo "bind: Address already in use" >&2; exit 1', { StartError: ExampleStartError }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExampleStartError);
    expect((error as ServerStartError).addressInUse).toBe(true);
  });
});

describe('startOnFreePort', () => {
  it('tries again on a new port when the port was taken, up to the attempts', async () => {
    const ports: number[] = [];
    const taken = () => new ServerStartError('no', 'could not bind IPv4 address');
    const result = await startOnFreePort(async (port) => {
      ports.push(port);
      if (ports.length < 3) throw taken();
      return port;
    });
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(3);
    expect(result).toBe(ports[2]);
    await expect(
      startOnFreePort(async () => {
        throw taken();
      }, 2),
    ).rejects.toThrow('no');
  });

  it('does not retry other failures', async () => {
    let attempts = 0;
    await expect(
      startOnFreePort(async () => {
        attempts += 1;
        throw new ServerStartError('bad config', 'FATAL: bad');
      }),
    ).rejects.toThrow('bad config');
    expect(attempts).toBe(1);
  });
});
