import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isProcessRunning,
  OWNER_FILE_NAME,
  readServerPid,
  type ServerDirKind,
  sweepStaleServerDirs,
  TrackedServerDir,
  waitForAllExit,
} from '../src/index.js';
import { runFixture } from './owner-process.js';

// Every test uses prefixes of its own, so that it sweeps nothing but what it made.
function testPrefix(): string {
  return `context-storage-dirtest-${process.pid}-${Math.random().toString(36).slice(2, 8)}-`;
}

function kindOf(prefix: string, extra: Partial<ServerDirKind> = {}): ServerDirKind {
  return { prefix, serverPid: (dir) => readServerPid(join(dir, 'server.pid'), dir), ...extra };
}

const spawned: number[] = [];
const made: string[] = [];

afterEach(() => {
  for (const pid of spawned.splice(0)) if (isProcessRunning(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory as a run left it: an owner file (unless `owner` is undefined). */
function leftover(prefix: string, owner: number | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (owner !== undefined) writeFileSync(join(dir, OWNER_FILE_NAME), `${owner}\n`);
  return dir;
}

/** A stand-in server: `sleep` running in `dir`, its pid in `dir/server.pid`. */
function serverIn(dir: string): number {
  const child = spawn('sleep', ['60'], { cwd: dir, stdio: 'ignore', detached: true });
  child.unref();
  spawned.push(child.pid!);
  writeFileSync(join(dir, 'server.pid'), `${child.pid}\n`);
  return child.pid!;
}

function deadPid(): number {
  return spawnSync('true').pid;
}

describe('sweepStaleServerDirs', () => {
  it('kills the server of a dead owner and removes its directory; only under its own prefix', async () => {
    const prefix = testPrefix();
    const other = testPrefix();
    const stale = leftover(prefix, deadPid());
    const server = serverIn(stale);
    const otherKind = leftover(other, deadPid());
    const otherServer = serverIn(otherKind);

    expect(sweepStaleServerDirs(kindOf(prefix))).toBe(1);
    expect(await waitForAllExit([server], 2000)).toBe(true);
    expect(existsSync(stale)).toBe(false);
    // Another prefix is another launcher's: untouched.
    expect(existsSync(otherKind)).toBe(true);
    expect(isProcessRunning(otherServer)).toBe(true);
  });

  it('leaves directories of live owners, of this process, and young ones without an owner', () => {
    const prefix = testPrefix();
    const liveOwner = spawn('sleep', ['60'], { stdio: 'ignore' });
    spawned.push(liveOwner.pid!);
    const live = leftover(prefix, liveOwner.pid!);
    const mine = leftover(prefix, process.pid);
    const young = leftover(prefix, undefined);
    const old = leftover(prefix, undefined);
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(old, longAgo, longAgo);

    expect(sweepStaleServerDirs(kindOf(prefix))).toBe(1);
    expect([live, mine, young].map(existsSync)).toEqual([true, true, true]);
    expect(existsSync(old)).toBe(false);
  });

  it('signals no pid that is not the server of the directory (a reused pid)', () => {
    const prefix = testPrefix();
    const stale = leftover(prefix, deadPid());
    // Alive, but running elsewhere: what a pidfile names after the pid was reused.
    const stranger = spawn('sleep', ['60'], { cwd: tmpdir(), stdio: 'ignore' });
    spawned.push(stranger.pid!);
    writeFileSync(join(stale, 'server.pid'), `${stranger.pid}\n`);

    expect(sweepStaleServerDirs(kindOf(prefix))).toBe(1);
    expect(existsSync(stale)).toBe(false);
    expect(isProcessRunning(stranger.pid!)).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)(
    'as root, sweeps directories of another user only when the kind names it as its server user',
    () => {
      const prefix = testPrefix();
      const stale = leftover(prefix, deadPid());
      const nobody = 65534;
      chownSync(stale, nobody, nobody);

      expect(sweepStaleServerDirs(kindOf(prefix))).toBe(0);
      expect(existsSync(stale)).toBe(true);
      expect(sweepStaleServerDirs(kindOf(prefix, { serverUids: () => [nobody] }))).toBe(1);
      expect(existsSync(stale)).toBe(false);
    },
  );
});

describe('TrackedServerDir', () => {
  it('creates a directory under the prefix, owned by this process; remove() deletes it', async () => {
    const prefix = testPrefix();
    const tracked = await TrackedServerDir.create(kindOf(prefix));
    made.push(tracked.dir);
    expect(tracked.dir.startsWith(join(tmpdir(), prefix))).toBe(true);
    // Owned by a live process (this one): the sweep leaves it.
    expect(sweepStaleServerDirs(kindOf(prefix))).toBe(0);
    await tracked.remove();
    expect(existsSync(tracked.dir)).toBe(false);
  });

  interface Seen {
    dirs: string[];
    pids: number[];
  }

  for (const how of ['exit', 'throw', 'SIGTERM', 'SIGINT']) {
    it(`kills the servers of an owner that ends by ${how} without stopping them`, async () => {
      const run = await runFixture<Seen>('owner', [how, testPrefix()]);
      made.push(...run.printed.dirs);
      spawned.push(...run.printed.pids);
      if (how.startsWith('SIG')) {
        // The hook handled the signal, then let it end the process as it would have.
        expect(run.signal).toBe(how);
      } else {
        expect(run.code).toBe(how === 'exit' ? 0 : 1);
      }
      expect(run.printed.pids).toHaveLength(2);
      expect(await waitForAllExit(run.printed.pids, 2000)).toBe(true);
      expect(run.printed.dirs.map(existsSync)).toEqual([false, false]);
    });
  }

  it('an owner killed by SIGKILL leaves its servers to the next sweep', async () => {
    const prefix = testPrefix();
    const run = await runFixture<Seen>('owner', ['SIGKILL', prefix]);
    made.push(...run.printed.dirs);
    spawned.push(...run.printed.pids);
    expect(run.signal).toBe('SIGKILL');
    // The server known by its pidfile survived its owner; the sweep finds and kills it.
    const detached = run.printed.pids[1]!;
    expect(isProcessRunning(detached)).toBe(true);
    expect(sweepStaleServerDirs(kindOf(prefix))).toBe(2);
    expect(await waitForAllExit([detached], 2000)).toBe(true);
    expect(run.printed.dirs.map(existsSync)).toEqual([false, false]);
  });
});
