// The server directories this process owns, killed on exit when nobody stopped them, and the
// sweep of directories left behind by runs that died without an exit hook (SIGKILL).
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessRunning } from '@context-storage/redis-test-servers';
import { runningPostmaster, signalServer } from './postgres-process.js';

/** Prefix of every PostgreSQL server directory (under the OS temp dir). */
export const POSTGRES_DIR_PREFIX = 'context-storage-pg-';
const OWNER_FILE = 'owner.pid';

const owned = new Set<string>();
let hooked = false;

function killDirSync(dir: string): void {
  const pid = runningPostmaster(join(dir, 'data'));
  if (pid !== undefined) signalServer(pid, 'SIGKILL'); // works on a paused (SIGSTOP) server too
  rmSync(dir, { recursive: true, force: true });
}

function killOwnedSync(): void {
  for (const dir of owned) {
    try {
      killDirSync(dir);
    } catch {
      // best effort: the process is going away
    }
  }
  owned.clear();
}

function onSignal(name: NodeJS.Signals): void {
  killOwnedSync();
  if (process.listenerCount(name) === 1) {
    process.removeAllListeners(name);
    process.kill(process.pid, name);
  }
}

/** Marks `dir` as owned by this process: its server is killed if this process exits first. */
export function trackServerDir(dir: string): void {
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  owned.add(dir);
  if (hooked) return;
  hooked = true;
  process.on('exit', killOwnedSync);
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, onSignal);
}

/** Forgets `dir` (its server was stopped and the dir removed). */
export function untrackServerDir(dir: string): void {
  owned.delete(dir);
}

/**
 * Kills the servers of directories whose owner process is gone (a test run killed with SIGKILL)
 * and removes the directories. Only the postmaster recorded in such a directory, running in it, is
 * signalled. Cost: one listing of the temp dir plus a few reads per leftover.
 *
 * @returns how many directories were removed
 */
export function sweepStalePostgres(): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(POSTGRES_DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(join(dir, OWNER_FILE), 'utf8'), 10);
      } catch {
        if (Date.now() - statSync(dir).mtimeMs < 60_000) continue; // being created right now
      }
      if (Number.isSafeInteger(owner) && (owner === process.pid || isProcessRunning(owner))) {
        continue;
      }
      killDirSync(dir);
      removed++;
    } catch {
      // left for the next sweep (another user's dir, for instance)
    }
  }
  return removed;
}
