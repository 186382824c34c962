// Spawning the postmaster, finding it again, and stopping it with its backends. Every signal goes
// to a server this package started: the postmaster's pid is read from the postmaster.pid file of a
// data directory this package made and checked against /proc/PID/cwd (postgres chdirs into its
// data directory); its backends and auxiliary processes are found as its children.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchProcess, ServerStartError, tailFile } from './launch.js';
import { readServerPid } from './pids.js';
import type { PostgresServerDescriptor } from './postgres-descriptor.js';
import { terminate } from './process-control.js';
import { signalTree } from './process-tree.js';
import { notYet } from './wait.js';

/** What is needed to start the postmaster of a data directory. */
export type PostmasterSpec = Pick<
  PostgresServerDescriptor,
  'dataDir' | 'args' | 'binaries' | 'user' | 'logFile' | 'port'
>;

/** Thrown when a server does not come up; carries the tail of its log. */
export class PostgresStartError extends ServerStartError {
  constructor(message: string, logTail: string) {
    super(message, logTail);
    this.name = 'PostgresStartError';
  }
}

const PID_FILE_NAME = 'postmaster.pid';

/** postmaster.pid: line 1 the pid, line 8 the status (`ready` once it accepts connections). */
function readPidFile(dataDir: string): { pid: number; status: string } | undefined {
  try {
    const lines = readFileSync(join(dataDir, PID_FILE_NAME), 'utf8').split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    return Number.isSafeInteger(pid) ? { pid, status: (lines[7] ?? '').trim() } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The running postmaster of a data directory, verified (on Linux) to run in that directory, or
 * `undefined`. Cost: a few small file reads.
 */
export function runningPostmaster(dataDir: string): number | undefined {
  return readServerPid(join(dataDir, PID_FILE_NAME), dataDir);
}

/**
 * Spawns `postgres` for a data directory (as the unprivileged user when there is one, detached
 * in its own process group) and waits until postmaster.pid says `ready`. The child does not keep
 * this process alive. Cost: ~150-400 ms.
 *
 * @throws `PostgresStartError` with the log tail when it exits or is not ready in time (killed
 *   first, with whatever it forked)
 */
export async function spawnPostmaster(spec: PostmasterSpec, timeoutMs = 15_000): Promise<number> {
  const { ready } = await launchProcess({
    command: spec.binaries.postgres,
    args: spec.args,
    cwd: spec.dataDir,
    outputFile: spec.logFile,
    detached: true,
    ...(spec.user === undefined ? {} : { user: spec.user }),
    what: `postgres on port ${spec.port} to be ready`,
    async ready(child) {
      const file = readPidFile(spec.dataDir);
      if (file === undefined) return notYet(`no ${PID_FILE_NAME} yet`);
      if (file.pid !== child.pid) return notYet(`${PID_FILE_NAME} names pid ${file.pid}`);
      return file.status === 'ready' ? file.pid : notYet(`status ${file.status || 'starting'}`);
    },
    timeoutMs,
    details: () => `last lines of ${spec.logFile}:\n${tailFile(spec.logFile, 20)}`,
    logTail: () => tailFile(spec.logFile, 20),
    kill: (pid) => signalTree(pid, 'SIGKILL'),
    StartError: PostgresStartError,
  });
  return ready;
}

/**
 * Stops the postmaster of a data directory: SIGCONT to it and every process it forked (a paused
 * server must act on the signal), SIGINT to the postmaster (fast shutdown: backends end, a
 * checkpoint is written), SIGKILL to all of them after `graceMs`. Cost: usually 50-200 ms.
 *
 * @throws when some of them are left 5 s after SIGKILL
 */
export async function stopPostmaster(dataDir: string, graceMs = 10_000): Promise<void> {
  const pid = runningPostmaster(dataDir);
  if (pid === undefined) return;
  await terminate(pid, { signal: 'SIGINT', graceMs, withChildren: true });
}
