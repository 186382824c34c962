import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  childrenOf,
  currentPostgresPid,
  isProcessRunning,
  killPostgres,
  type PostgresServerDescriptor,
  sweepStalePostgres,
  waitForAllExit,
} from '../src/index.js';
import { runFixture } from './owner-process.js';

describe('sweepStalePostgres', () => {
  it('kills the server of a run killed by SIGKILL, with its backends, and removes its directory', async () => {
    const run = await runFixture<PostgresServerDescriptor>('postgres-owner', []);
    const server = run.printed;
    expect(run.signal).toBe('SIGKILL');
    let pids: number[] = [];
    try {
      // No hook ran: the server outlived its owner (as root, in a directory of the postgres user).
      const pid = currentPostgresPid(server);
      pids = [pid, ...childrenOf(pid)];
      expect(pids.length).toBeGreaterThan(3);
      expect(sweepStalePostgres()).toBeGreaterThanOrEqual(1);
      expect(await waitForAllExit(pids, 5000)).toBe(true);
      expect(existsSync(server.dir)).toBe(false);
    } finally {
      if (pids.some(isProcessRunning)) await killPostgres(server);
    }
  }, 60_000);
});
