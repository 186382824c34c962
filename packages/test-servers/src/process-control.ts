// What a test does to a server process it started: pause, resume, crash, stop. With
// `withChildren`, the processes the server forked get the same signal (PostgreSQL's backends);
// without, only the pid (redis-server is one process).
import { isProcessRunning, processState, signal, waitForAllExit } from './pids.js';
import { signalTree } from './process-tree.js';

/** Whether a signal goes to the processes a server forked too. */
export interface ProcessTreeOptions {
  /** Also signal the processes it forked, found by parent pid (default false). */
  readonly withChildren?: boolean;
}

/** Options of {@link terminate}. */
export interface TerminateOptions extends ProcessTreeOptions {
  /** The signal that asks for a clean stop (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  readonly signal?: NodeJS.Signals;
  /** How long the clean stop may take before SIGKILL, in ms (default 3000). */
  readonly graceMs?: number;
}

const STOPPED_WITHIN_MS = 5000;
const tick = new Int32Array(new SharedArrayBuffer(4));

function send(pid: number, name: NodeJS.Signals, options: ProcessTreeOptions): number[] {
  if (options.withChildren === true) return signalTree(pid, name);
  signal(pid, name);
  return [pid];
}

// A signal is delivered when the process next runs: on a busy machine a process stays runnable
// for a while after SIGSTOP. Waiting here makes "paused" true when the call returns, for the
// kernel's view too (what /proc shows, what a test checks).
function waitUntilStopped(pids: readonly number[]): void {
  const deadline = Date.now() + STOPPED_WITHIN_MS;
  for (;;) {
    const running = pids.filter((pid) => {
      const state = processState(pid);
      return state !== undefined && state !== 'T' && state !== 't' && state !== 'Z';
    });
    if (running.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `process ${running.join(', ')} did not stop within ${STOPPED_WITHIN_MS} ms of SIGSTOP`,
      );
    }
    Atomics.wait(tick, 0, 0, 1); // a synchronous 1 ms sleep: pausing stays a plain call
  }
}

/**
 * Freezes a process with SIGSTOP and returns once it is stopped: its TCP connections stay open
 * and the kernel still accepts new ones, but nothing is answered (an outage without a
 * disconnect). Cost: a signal (plus a listing of /proc with `withChildren`), then usually well
 * under 1 ms of polling.
 *
 * @returns the pids stopped
 * @throws when a process is still not stopped after 5 s
 */
export function pauseProcess(pid: number, options: ProcessTreeOptions = {}): number[] {
  const pids = send(pid, 'SIGSTOP', options);
  waitUntilStopped(pids);
  return pids;
}

/**
 * Resumes a process paused by {@link pauseProcess} (SIGCONT). Cost: a signal.
 *
 * @returns the pids resumed
 */
export function resumeProcess(pid: number, options: ProcessTreeOptions = {}): number[] {
  return send(pid, 'SIGCONT', options);
}

/**
 * Crashes a process with SIGKILL (which also ends a paused one) and waits until it is gone. Cost:
 * a signal plus a few ms.
 *
 * @throws when a process is still there after `timeoutMs`
 */
export async function killAndWait(
  pid: number,
  options: ProcessTreeOptions & { readonly timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const pids = send(pid, 'SIGKILL', options);
  if (!(await waitForAllExit(pids, timeoutMs))) {
    throw new Error(`process ${pid} survived SIGKILL for ${timeoutMs} ms`);
  }
}

/**
 * Stops a process cleanly: SIGCONT (a paused process must run to act on a signal), the stop
 * signal, then SIGKILL after `graceMs`. Returns at once when it is not running. Cost: the time
 * the process takes to exit.
 *
 * @throws when a process is still running 5 s after SIGKILL
 */
export async function terminate(pid: number, options: TerminateOptions = {}): Promise<void> {
  if (!isProcessRunning(pid)) return;
  const pids = send(pid, 'SIGCONT', options);
  signal(pid, options.signal ?? 'SIGTERM');
  if (await waitForAllExit(pids, options.graceMs ?? 3000)) return;
  const killed = send(pid, 'SIGKILL', options);
  // Children that left the tree meanwhile (reparented when their parent died) still count.
  for (const other of pids) if (!killed.includes(other)) signal(other, 'SIGKILL');
  if (await waitForAllExit([...new Set([...pids, ...killed])], 5000)) return;
  throw new Error(`process ${pid} (or one it forked) is still running 5 s after SIGKILL`);
}
