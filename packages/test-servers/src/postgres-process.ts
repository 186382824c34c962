// Spawning the postmaster, finding it again, and signalling it with its backends. Every signal
// goes to a server this package started: the postmaster's pid is read from the postmaster.pid
// file of a data directory this package made and checked against /proc/PID/cwd (postgres chdirs
// into its data directory); its backends and auxiliary processes are its children (each calls
// setsid(), so they are not in its process group: they are found by their parent pid).
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessRunning } from '@context-storage/redis-test-servers';
import type { PostgresServerDescriptor } from './postgres-descriptor.js';

/** What is needed to start the postmaster of a data directory. */
export type PostmasterSpec = Pick<
  PostgresServerDescriptor,
  'dataDir' | 'args' | 'binaries' | 'user' | 'logFile' | 'port'
>;

/** Thrown when a server does not come up; carries the tail of its log. */
export class PostgresStartError extends Error {
  /** The last lines of the server's log. */
  readonly logTail: string;
  /** The port was taken by another process meanwhile (the start retries with another). */
  readonly addressInUse: boolean;

  constructor(message: string, logTail: string) {
    super(`${message}\n${logTail}`);
    this.name = 'PostgresStartError';
    this.logTail = logTail;
    this.addressInUse = /could not bind|address already in use/i.test(logTail);
  }
}

/** The last `lines` lines of a file, or '' when it cannot be read. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

/** Signals one process, ignoring one that is gone. */
export function signalProcess(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (errorCode(error) !== 'ESRCH') throw error;
  }
}

/** The pids whose parent is `pid` (Linux: /proc/N/stat). Cost: one read per process. */
export function childrenOf(pid: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/**
 * Signals a server and every process it forked. The postmaster is stopped first (SIGSTOP: it
 * forks nothing more and stays their parent while they are listed), then its children get the
 * signal, then the postmaster. Returns the pids signalled.
 */
export function signalServer(pid: number, name: NodeJS.Signals): number[] {
  if (name !== 'SIGCONT') signalProcess(pid, 'SIGSTOP');
  const children = childrenOf(pid);
  for (const child of children) signalProcess(child, name);
  signalProcess(pid, name);
  return [pid, ...children];
}

/** Waits until every pid is gone; false at the deadline. */
export async function waitAllGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some((pid) => isProcessRunning(pid))) {
    if (Date.now() > deadline) return false;
    await sleep(10);
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

/** postmaster.pid: line 1 the pid, line 8 the status (`ready` once it accepts connections). */
function readPidFile(dataDir: string): { pid: number; status: string } | undefined {
  try {
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    return Number.isSafeInteger(pid) ? { pid, status: (lines[7] ?? '').trim() } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The running postmaster of a data directory, verified (on Linux) to run in that directory, or
 * `undefined`. Cost: two small file reads.
 */
export function runningPostmaster(dataDir: string): number | undefined {
  const file = readPidFile(dataDir);
  if (file === undefined || file.pid <= 1 || !isProcessRunning(file.pid)) return undefined;
  if (existsSync('/proc/self/cwd')) {
    try {
      if (readlinkSync(`/proc/${file.pid}/cwd`) !== canonical(dataDir)) return undefined;
    } catch {
      return undefined;
    }
  }
  return file.pid;
}

/**
 * Spawns `postgres` for a data directory (as the unprivileged user when there is one, detached
 * in its own process group) and waits until postmaster.pid says `ready`. The child does not keep
 * this process alive. Cost: ~150-400 ms.
 *
 * @throws `PostgresStartError` with the log tail when it exits or is not ready in time (killed
 *   first)
 */
export async function spawnPostmaster(spec: PostmasterSpec, timeoutMs = 15_000): Promise<number> {
  const output = openSync(spec.logFile, 'a');
  let exit: string | undefined;
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(spec.binaries.postgres, [...spec.args], {
      cwd: spec.dataDir,
      stdio: ['ignore', output, output],
      detached: true,
      ...(spec.user === undefined ? {} : { uid: spec.user.uid, gid: spec.user.gid }),
    });
  } finally {
    closeSync(output);
  }
  child.once('error', (error) => {
    exit = `could not be spawned: ${error.message}`;
  });
  child.once('exit', (code, name) => {
    exit = `exited with ${name ?? `code ${String(code)}`}`;
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit !== undefined) {
      throw new PostgresStartError(`postgres on port ${spec.port} ${exit}`, tail(spec.logFile));
    }
    const file = readPidFile(spec.dataDir);
    if (file !== undefined && file.pid === child.pid && file.status === 'ready') return file.pid;
    if (Date.now() > deadline) {
      if (child.pid !== undefined) signalServer(child.pid, 'SIGKILL');
      throw new PostgresStartError(
        `postgres on port ${spec.port} was not ready within ${timeoutMs} ms`,
        tail(spec.logFile),
      );
    }
    await sleep(20);
  }
}

/**
 * Stops the postmaster of a data directory: SIGCONT to its group (a paused server must act on
 * the signal), SIGINT to the postmaster (fast shutdown: backends end, a checkpoint is written),
 * SIGKILL to the group
 * after `graceMs`.
 *
 * @throws when processes of the group are left 5 s after SIGKILL
 */
export async function stopPostmaster(dataDir: string, graceMs = 10_000): Promise<void> {
  const pid = runningPostmaster(dataDir);
  if (pid === undefined) return;
  const pids = signalServer(pid, 'SIGCONT');
  signalProcess(pid, 'SIGINT');
  if (await waitAllGone(pids, graceMs)) return;
  const all = signalServer(pid, 'SIGKILL');
  for (const other of pids) signalProcess(other, 'SIGKILL');
  if (!(await waitAllGone([...pids, ...all], 5000))) {
    throw new Error(`postgres (pid ${pid}) or its backends are still running after SIGKILL`);
  }
}
