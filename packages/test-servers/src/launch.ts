// Spawning one server process and waiting until it serves, with its output in a file and the
// tail of its log in the error when it does not come up.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { signal, waitForExit } from './pids.js';
import { WaitAborted, waitFor } from './wait.js';

/** Thrown when a server does not come up; carries the tail of its log. */
export class ServerStartError extends Error {
  /** The last lines of the server's log (empty when it wrote none). */
  readonly logTail: string;
  /** The server could not bind its port: another process took it (the start functions retry). */
  readonly addressInUse: boolean;

  constructor(message: string, logTail: string) {
    super(message);
    this.name = 'ServerStartError';
    this.logTail = logTail;
    this.addressInUse = /address already in use|could not bind/i.test(logTail);
  }
}

/** The last `lines` lines of a file, or '' when it does not exist. Cost: reads the whole file. */
export function tailFile(file: string, lines: number): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const all = text.trimEnd().split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

/** How to start one server process and how to tell that it serves. */
export interface LaunchOptions<T> {
  /** Absolute path of the program. */
  readonly command: string;
  readonly args: readonly string[];
  /** The working directory (the server's own directory: pids are checked against it). */
  readonly cwd: string;
  /** Where stdout and stderr go (appended). */
  readonly outputFile: string;
  /**
   * In its own process group, not keeping this process alive (a server restarted by a test worker
   * that may exit first; a server run as another user).
   */
  readonly detached: boolean;
  /** Run as this user (the tests run as root and the server refuses to). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** What is awaited, for messages (`standalone redis-server on 127.0.0.1:6379 to answer PING`). */
  readonly what: string;
  /**
   * Resolves a value once the server serves; `undefined`, or an error, while it does not yet (the
   * error's message is kept for the timeout error).
   */
  ready(child: ChildProcess): Promise<T | undefined>;
  /** Deadline for `ready`, in ms. */
  readonly timeoutMs: number;
  /** The log section added to a failure's message. */
  details(): string;
  /** The log tail a failure carries (`ServerStartError#logTail`). */
  logTail(): string;
  /** Kills a server that did not come up (default SIGKILL to the pid). */
  kill?(pid: number): void;
  /** Called with the child as soon as it is spawned (to track it). */
  onSpawn?(child: ChildProcess): void;
  /** The error class to throw (a subclass naming the server). */
  readonly StartError?: new (
    message: string,
    logTail: string,
  ) => ServerStartError;
}

/**
 * Spawns a server process and polls `ready` until it serves. When the process exits first, or the
 * deadline passes, it is killed and a `ServerStartError` (or `StartError`) is thrown with the
 * log tail. Cost: the server's start time, polled every 20 ms.
 *
 * @returns the child and what `ready` resolved
 * @throws `ServerStartError` (or `StartError`) naming `what`, why and the log tail
 */
export async function launchProcess<T>(
  options: LaunchOptions<T>,
): Promise<{ child: ChildProcess; ready: T }> {
  const output = openSync(options.outputFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      stdio: ['ignore', output, output],
      detached: options.detached,
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
    });
  } finally {
    closeSync(output);
  }
  let exit: string | undefined;
  child.once('error', (error) => {
    exit = `could not be spawned: ${error.message}`;
  });
  child.once('exit', (code, name) => {
    exit = `exited with ${name ?? `code ${String(code)}`}`;
  });
  if (options.detached) child.unref();
  options.onSpawn?.(child);
  try {
    const ready = await waitFor(
      options.what,
      async () => {
        if (exit !== undefined) throw new WaitAborted(`the process ${exit} before it served`);
        return options.ready(child);
      },
      { timeoutMs: options.timeoutMs, details: () => options.details() },
    );
    return { child, ready };
  } catch (error) {
    if (child.pid !== undefined && exit === undefined) {
      if (options.kill !== undefined) options.kill(child.pid);
      else signal(child.pid, 'SIGKILL');
      await waitForExit(child.pid, 2000);
    }
    const StartError = options.StartError ?? ServerStartError;
    throw new StartError((error as Error).message, options.logTail());
  }
}
