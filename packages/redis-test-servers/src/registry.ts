// The servers this process is responsible for, and the hooks that kill them when the process
// exits without stopping them (a crashed or interrupted test run).
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessRunning, readServerPid, signal } from './pids.js';

/** Prefix of every server directory (under the OS temp dir). */
export const SERVER_DIR_PREFIX = 'context-storage-redis-';
/** The pidfile each server writes in its directory (`--pidfile`). */
export const PID_FILE_NAME = 'redis.pid';
/** The log each server writes in its directory (`--logfile`). */
export const LOG_FILE_NAME = 'redis.log';
const OWNER_FILE_NAME = 'owner.pid';

/** A server directory this process is responsible for until `release()`. */
export class TrackedServer {
  /** The pid of the child this process spawned for it, while it may run. */
  childPid: number | undefined;

  constructor(
    readonly dir: string,
    readonly pidFile: string,
  ) {
    installHooks();
    tracked.add(this);
  }

  /** Stops tracking (after the server was stopped and its directory removed). */
  release(): void {
    tracked.delete(this);
  }
}

const tracked = new Set<TrackedServer>();
let hooksInstalled = false;

/** Creates a fresh server directory, marked with the pid of this process as its owner. */
export async function makeServerDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), SERVER_DIR_PREFIX));
  await writeFile(join(dir, OWNER_FILE_NAME), `${process.pid}\n`);
  return dir;
}

function killServerSync(server: TrackedServer): void {
  const pids = new Set<number>();
  const child = server.childPid;
  if (child !== undefined && isProcessRunning(child)) pids.add(child);
  const fromFile = readServerPid(server.pidFile, server.dir);
  if (fromFile !== undefined) pids.add(fromFile);
  for (const pid of pids) signal(pid, 'SIGKILL'); // works on paused (SIGSTOP) processes too
  rmSync(server.dir, { recursive: true, force: true });
}

/** Kills every tracked server at once, synchronously; used on process exit. */
function killAllSync(): void {
  for (const server of tracked) {
    try {
      killServerSync(server);
    } catch {
      // best effort: the process is going away
    }
  }
  tracked.clear();
}

function onSignal(name: NodeJS.Signals): void {
  killAllSync();
  // When nobody else handles the signal, restore its default action (terminate the process).
  if (process.listenerCount(name) === 1) {
    process.removeAllListeners(name);
    process.kill(process.pid, name);
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  // Not SIGHUP: a listener would undo `nohup`; a hangup reaches the servers anyway (same process
  // group) and ends them.
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, onSignal);
}

/**
 * Kills the servers left behind by earlier test runs of this user that died without stopping
 * them (their owner process is gone), and removes their directories. A pid is only signalled when
 * it comes from the pidfile of such a directory and (on Linux) runs in that directory. Called by
 * `redisServersSetup`; servers of runs still in progress are left alone. Cost: one listing of the
 * OS temp dir plus a few reads per leftover directory.
 *
 * @returns the number of directories removed
 */
export function sweepStaleServers(): number {
  const root = tmpdir();
  const uid = process.getuid?.();
  let removed = 0;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of entries) {
    if (!name.startsWith(SERVER_DIR_PREFIX)) continue;
    const dir = join(root, name);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      let owner: number;
      try {
        owner = Number.parseInt(readFileSync(join(dir, OWNER_FILE_NAME), 'utf8'), 10);
      } catch {
        // No owner yet: perhaps being created right now; only sweep it once it is old.
        if (Date.now() - stat.mtimeMs < 60_000) continue;
        owner = Number.NaN;
      }
      if (owner === process.pid || (Number.isSafeInteger(owner) && isProcessRunning(owner))) {
        continue;
      }
      const pid = readServerPid(join(dir, PID_FILE_NAME), dir);
      if (pid !== undefined) signal(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      removed += 1;
    } catch {
      // leave it for the next sweep
    }
  }
  return removed;
}
