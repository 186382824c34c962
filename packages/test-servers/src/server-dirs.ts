// The server directories this process is responsible for, the hooks that kill their servers when
// the process exits without stopping them (a crashed or interrupted test run), and the sweep of
// directories left behind by runs that died without running a hook (SIGKILL).
import type { ChildProcess } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessRunning, signal } from './pids.js';

/** What a launcher tells the registry about the directories of its servers. */
export interface ServerDirKind {
  /** Start of each directory's name under the OS temp dir (`context-storage-redis-`). */
  readonly prefix: string;
  /**
   * The pid of the server now running in `dir`, verified to be that directory's server (read
   * from its pidfile, checked against /proc/PID/cwd), or `undefined`. Must be synchronous: exit
   * hooks cannot wait.
   */
  serverPid(dir: string): number | undefined;
  /** Kills a server at once, synchronously (default SIGKILL to the pid, which ends a paused one too). */
  killSync?(pid: number): void;
  /**
   * Users besides this process's whose directories the sweep may remove: the unprivileged user
   * servers run as when the tests run as root (their directories are chowned to it).
   */
  serverUids?(): readonly number[];
}

/** The file that names the pid of the process owning a server directory. */
export const OWNER_FILE_NAME = 'owner.pid';

const tracked = new Set<TrackedServerDir>();
let hooksInstalled = false;

/**
 * A fresh server directory under the OS temp dir, marked with this process's pid as its owner,
 * whose server is killed (and the directory removed) if this process exits before `remove()`.
 */
export class TrackedServerDir {
  /** The child process this process spawned for the directory's server, while there is one. */
  child: ChildProcess | undefined;

  private constructor(
    readonly kind: ServerDirKind,
    readonly dir: string,
  ) {}

  /**
   * Creates the directory (`$TMPDIR/<prefix>XXXXXX`) and starts tracking it. Cost: a mkdtemp and a
   * small file write; the first call installs the exit and signal hooks.
   */
  static async create(kind: ServerDirKind): Promise<TrackedServerDir> {
    const dir = await mkdtemp(join(tmpdir(), kind.prefix));
    writeFileSync(join(dir, OWNER_FILE_NAME), `${process.pid}\n`);
    const server = new TrackedServerDir(kind, dir);
    installHooks();
    tracked.add(server);
    return server;
  }

  /** Stops tracking, leaving the directory (its server is stopped and the directory removed). */
  release(): void {
    tracked.delete(this);
  }

  /** Removes the directory (its server must be stopped) and stops tracking it. Idempotent. */
  async remove(): Promise<void> {
    this.child = undefined;
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
    this.release();
  }

  /** Kills the server (our child and the pid in the directory) and removes the directory, at once. */
  killSync(): void {
    const pids = new Set<number>();
    const child = this.child;
    // Node records a child's exit when it reaps it, so a pid it reaped (and the kernel may reuse)
    // is never taken for our child.
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      pids.add(child.pid);
    }
    const fromFile = this.kind.serverPid(this.dir);
    if (fromFile !== undefined) pids.add(fromFile);
    for (const pid of pids) killSync(this.kind, pid);
    rmSync(this.dir, { recursive: true, force: true });
    this.release();
  }
}

function killSync(kind: ServerDirKind, pid: number): void {
  if (kind.killSync !== undefined) kind.killSync(pid);
  else signal(pid, 'SIGKILL');
}

/** Kills every tracked server at once, synchronously; used on process exit. */
function killAllSync(): void {
  for (const server of [...tracked]) {
    try {
      server.killSync();
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

function sweepable(kind: ServerDirKind, uid: number): boolean {
  const mine = process.getuid?.();
  if (mine === undefined || uid === mine) return true;
  try {
    return kind.serverUids?.().includes(uid) ?? false;
  } catch {
    return false;
  }
}

/**
 * Kills the servers left behind by earlier test runs that died without stopping them (their owner
 * process is gone), and removes their directories: every directory of `kind.prefix` under the OS
 * temp dir, owned by this user (or by one of `kind.serverUids()`), whose owner pid is dead. A pid
 * is only signalled when `kind.serverPid` finds it in such a directory; directories of runs still
 * in progress, and ones younger than a minute without an owner file (being created), are left
 * alone. Cost: one listing of the OS temp dir plus a few reads per leftover directory.
 *
 * @returns the number of directories removed
 */
export function sweepStaleServerDirs(kind: ServerDirKind): number {
  const root = tmpdir();
  let removed = 0;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of entries) {
    if (!name.startsWith(kind.prefix)) continue;
    const dir = join(root, name);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || !sweepable(kind, stat.uid)) continue;
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
      const pid = kind.serverPid(dir);
      if (pid !== undefined) killSync(kind, pid);
      rmSync(dir, { recursive: true, force: true });
      removed += 1;
    } catch {
      // leave it for the next sweep
    }
  }
  return removed;
}
