// Process helpers. Every pid signalled here is either a child this process spawned or a pid read
// from a pidfile inside a server directory this package created, checked (on Linux) to be a
// process whose working directory is that directory: redis-server and redis-sentinel chdir into
// their --dir, so a pid that was reused by an unrelated process is never signalled.
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const HAS_PROC = existsSync('/proc/self/stat');

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
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
  if (HAS_PROC) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return false;
    } catch {
      return false; // gone between the two checks
    }
  }
  return true;
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

/** The running, verified pid in a server's pidfile, or undefined. */
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
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isProcessRunning(pid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
}

/**
 * SIGTERM (plus SIGCONT, so that a paused server acts on it), then SIGKILL after `graceMs`.
 *
 * @throws when the process survives SIGKILL for 5 s
 */
export async function terminate(pid: number, graceMs = 3000): Promise<void> {
  if (!isProcessRunning(pid)) return;
  signal(pid, 'SIGTERM');
  signal(pid, 'SIGCONT');
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  if (await waitForExit(pid, 5000)) return;
  throw new Error(`process ${pid} is still running 5 s after SIGKILL`);
}
