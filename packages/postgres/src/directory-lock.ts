// PGlite (0.5.16) does not lock its data directory: a second process opening it gets no error,
// and writes acknowledged to one of them are then silently lost. This lock file makes the second
// process fail instead, and lets a process take over the lock of one that died.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from '@context-storage/core';

/** Name of the lock file inside a PGlite data directory. */
export const LOCK_FILE_NAME = 'context-storage.lock';

/** Who holds a directory: what the lock file records. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Random, per lock: tells two locks of one pid apart. */
  token: string;
  /** The holder's start time in clock ticks since boot (Linux), to tell a reused pid. */
  started?: string;
  /** ms since epoch. */
  since: number;
}

/**
 * A PGlite directory is open in another live process (or, on another host, in a process this
 * one cannot check). Nothing was opened; close the other process, or use a PostgreSQL server to
 * share data between processes.
 */
export class PgliteDirectoryInUseError extends ConnectionError {
  /** The data directory. */
  readonly directory: string;
  /** What its lock file says. */
  readonly holder: LockHolder;

  constructor(directory: string, holder: LockHolder) {
    super(
      `the PGlite directory ${directory} is in use by ${holder.pid === 0 ? 'a process locking it right now' : `process ${holder.pid}`} on ${holder.host} (since ${new Date(holder.since).toISOString()}); PGlite cannot share a directory between processes (their writes would be lost): stop that process, or use a PostgreSQL server${holder.host === hostname() ? '' : `; if that process is gone, delete ${join(directory, LOCK_FILE_NAME)}`}`,
    );
    this.directory = directory;
    this.holder = holder;
  }
}

/** A held lock. */
export interface DirectoryLock {
  /** Removes the lock file if it is still this lock's. Idempotent, synchronous. */
  release(): void;
}

const held = new Map<string, string>(); // lock file -> token, for this process
let exitHook = false;

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' && typeof holder.token === 'string' ? holder : undefined;
  } catch {
    return undefined; // gone, or half-written by a process killed while writing it
  }
}

/** Whether the holder of a lock may still be using the directory. */
function holderAlive(file: string, holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot check another host
  if (holder.pid === process.pid) return held.get(file) === holder.token;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code === 'ESRCH') return false;
  }
  const started = startTime(holder.pid);
  return holder.started === undefined || started === undefined || started === holder.started;
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes a stale lock away: renamed to a name of our own (atomic), then checked to be the one
 * judged stale; if another process replaced it meanwhile, it is put back.
 */
function takeOver(file: string, stale: LockHolder, token: string): void {
  const aside = `${file}.stale-${token}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // already gone: someone else took it over
  }
  if (readHolder(aside)?.token !== stale.token) {
    try {
      linkSync(aside, file);
    } catch {
      // a third process holds it now; it will be judged on the next round
    }
  }
  unlinkSync(aside);
}

function releaseAllSync(): void {
  for (const [file, token] of held) {
    if (readHolder(file)?.token === token) unlinkSync(file);
  }
  held.clear();
}

/**
 * Locks a PGlite data directory for this process: creates `context-storage.lock` exclusively
 * (O_EXCL) with pid, host, process start time and a random token. A lock whose holder is dead
 * (no such pid, or the pid now belongs to a process started later) is taken over. Released by
 * `release()` or when this process exits. Cost: a few small synchronous file operations.
 *
 * @throws `PgliteDirectoryInUseError` when a live process holds the directory
 */
export function lockDirectory(directory: string): DirectoryLock {
  const file = join(directory, LOCK_FILE_NAME);
  const token = randomBytes(8).toString('hex');
  const started = startTime(process.pid);
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    token,
    ...(started === undefined ? {} : { started }),
    since: Date.now(),
  };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, mine)) break;
    const holder = readHolder(file);
    if (holder !== undefined && holderAlive(file, holder)) {
      throw new PgliteDirectoryInUseError(directory, holder);
    }
    if (attempt >= 5) {
      throw new ConnectionError(
        `could not lock the PGlite directory ${directory}: ${file} keeps changing`,
      );
    }
    if (holder === undefined) {
      // Unreadable: being written by a process locking right now (then it is in use), or left
      // half-written by a process killed while writing it (then it is old, and stale).
      let age = Number.POSITIVE_INFINITY;
      try {
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        continue; // gone meanwhile
      }
      if (age < 2000) {
        throw new PgliteDirectoryInUseError(directory, {
          pid: 0,
          host: hostname(),
          token: '',
          since: Date.now() - age,
        });
      }
      try {
        unlinkSync(file);
      } catch {
        // gone already
      }
      continue;
    }
    takeOver(file, holder, token);
  }
  held.set(file, token);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', releaseAllSync);
  }
  return {
    release() {
      if (held.get(file) !== token) return;
      held.delete(file);
      if (readHolder(file)?.token === token) unlinkSync(file);
    },
  };
}
