import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  getFreePort,
  isProcessRunning,
  respCommand,
  SERVER_DIR_PREFIX,
  startStandalone,
  sweepStaleServers,
} from '../src/index.js';
import { expectRemoved } from './helpers.js';

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe('sweepStaleServers', () => {
  it('kills a server left by a dead run and removes its directory; leaves live runs alone', async () => {
    // A server directory whose owner process is dead, as after a crashed test run.
    const dir = mkdtempSync(join(tmpdir(), SERVER_DIR_PREFIX));
    const deadOwner = spawnSync('true').pid;
    writeFileSync(join(dir, 'owner.pid'), `${deadOwner}\n`);
    const port = await getFreePort();
    const orphan = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        '--pidfile',
        join(dir, 'redis.pid'),
        '--logfile',
        join(dir, 'redis.log'),
        '--save',
        '',
      ],
      { cwd: dir, stdio: 'ignore', detached: true },
    );
    orphan.unref();
    const pid = orphan.pid!;
    try {
      await waitUntil(async () => {
        if (!existsSync(join(dir, 'redis.pid'))) return false;
        return (
          (await respCommand({ host: '127.0.0.1', port }, ['PING']).catch(() => '')) === 'PONG'
        );
      });
      const mine = await startStandalone();
      try {
        expect(sweepStaleServers()).toBeGreaterThanOrEqual(1);
        await waitUntil(() => !isProcessRunning(pid));
        expectRemoved(dir);
        // This process's own server is not touched.
        expect(await mine.cli('PING')).toBe('PONG');
        expect(existsSync(mine.dir)).toBe(true);
      } finally {
        await mine.stop();
      }
    } finally {
      if (isProcessRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
