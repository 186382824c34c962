// Process helpers. Every pid a launcher signals is either a child it spawned or a pid read from a
// pidfile inside a server directory it created, checked (on Linux) to be a process whose working
// directory is that directory (redis-server chdirs into its --dir, postgres into its data
// directory), so a pid that was reused by an unrelated process is never signalled.
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const HAS_PROC = existsSync('/proc/self/stat');

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/**
 * The state letter of a process from `/proc/PID/stat` (`R`, `S`, `T` for stopped, `Z` for a
 * zombie...), or undefined when it is gone or there is no /proc. Cost: one small file read.
 */
export function processState(pid: number): string | undefined {
  if (!HAS_PROC) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * True while a process exists and is not a zombie. Cost: one `kill(pid, 0)` and, on Linux, one
 * read of `/proc/PID/stat`.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return false;
    if (errorCode(error) !== 'EPERM') throw error;
  }
  if (!HAS_PROC) return true;
  const state = processState(pid);
  // undefined: gone between the two checks
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Whether a running process is the server of `dir`: on Linux its working directory must be `dir`;
 * elsewhere (no /proc) the pidfile in our own directory is trusted.
 */
export function processServesDir(pid: number, dir: string): boolean {
  if (!HAS_PROC) return true;
  try {
    return readlinkSync(`/proc/${pid}/cwd`) === canonical(dir);
  } catch {
    return false;
  }
}

/**
 * The running, verified pid in a server's pidfile (its first line), or undefined: the pid must be
 * alive, not this process, and (on Linux) run in `dir`. Cost: a few small file reads.
 */
export function readServerPid(pidFile: string, dir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return undefined;
  if (!isProcessRunning(pid)) return undefined;
  return processServesDir(pid, dir) ? pid : undefined;
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (errorCode(error) !== 'ESRCH') throw error;
  }
}

/** Polls until the process is gone; false when it is still there at the deadline. */
export function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return waitForAllExit([pid], timeoutMs);
}

/** Polls until every process is gone; false when one is still there at the deadline. */
export async function waitForAllExit(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some((pid) => isProcessRunning(pid))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
}
