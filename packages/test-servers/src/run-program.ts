// Running a helper program to completion (openssl, initdb, redis-cli) with a deadline, its output
// in the error when it fails, and never its command line: that may hold a password.
import { execFile } from 'node:child_process';
import { basename } from 'node:path';

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /**
   * What the error calls the run (default: the program's file name and `args`). Give one without
   * the secret when `args` hold a password.
   */
  readonly label?: string;
  readonly cwd?: string;
  /** Deadline in ms, after which the program is killed with SIGKILL (default 10000). */
  readonly timeoutMs?: number;
  /** Run as this user (the tests run as root and the program refuses to). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

interface ExecFailure {
  code?: number | string | null;
  signal?: NodeJS.Signals | null;
  killed?: boolean;
  message: string;
}

// Node's own message starts with "Command failed: " and the whole command line: not reused.
function why(error: ExecFailure, timeoutMs: number): string {
  if (error.killed === true) return `was killed after its ${timeoutMs} ms deadline`;
  if (typeof error.signal === 'string') return `was killed by ${error.signal}`;
  if (typeof error.code === 'number') return `exited with code ${error.code}`;
  return `could not run (${typeof error.code === 'string' ? error.code : 'unknown error'})`;
}

/**
 * Runs a program to completion and resolves its stdout. Cost: the program's own run time.
 *
 * @throws an `Error` naming `label`, how the program ended, and its stdout and stderr, when it
 *   exits with another code than 0, cannot be started or passes its deadline
 */
export function runProgram(
  command: string,
  args: readonly string[],
  options: RunProgramOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const label = options.label ?? [basename(command), ...args].join(' ');
  return new Promise((resolveRun, reject) => {
    execFile(
      command,
      [...args],
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolveRun(stdout);
          return;
        }
        const output = [stdout.trim(), stderr.trim()].filter((text) => text !== '');
        reject(new Error([`${label} failed: ${why(error, timeoutMs)}`, ...output].join('\n')));
      },
    );
  });
}
