// Controlling a server from its descriptor alone: what a test running in a vitest worker does with
// a server that the global setup process started.
import {
  killAndWait,
  pauseProcess,
  readServerPid,
  resumeProcess,
} from '@context-storage/test-servers';
import type { RedisServerDescriptor } from './descriptor.js';
import { launchServer, runCli, shutdownForRestart } from './launch.js';

/** Options of `restartServer` and `RedisServer#restart`. */
export interface RestartOptions {
  /**
   * `SHUTDOWN SAVE` before stopping, so that the new process loads the dataset from the RDB
   * (default true); false: `SHUTDOWN NOSAVE`, the data is lost (unless an RDB was saved earlier).
   */
  save?: boolean;
  /** Deadline for the shutdown and for the new process to answer, each, in ms (default 15000). */
  timeoutMs?: number;
}

/**
 * The pid of the server now running for a descriptor, read from its pidfile (and, on Linux,
 * checked to be a process running in the server's directory), or `undefined` when it is not
 * running. Cost: a few small file reads.
 */
export function currentPid(server: RedisServerDescriptor): number | undefined {
  return readServerPid(server.pidFile, server.dir);
}

function pidOf(target: number | RedisServerDescriptor): number {
  if (typeof target === 'number') return target;
  const pid = currentPid(target);
  if (pid === undefined) {
    throw new Error(`the ${target.role} server on port ${target.port} is not running`);
  }
  return pid;
}

/**
 * Freezes a server with SIGSTOP, returning once it is stopped: its TCP connections stay open and
 * new ones are still accepted by the kernel, but nothing is answered (a peer that hangs; an
 * outage without a disconnect). Give a descriptor rather than a bare pid when you can: its
 * current pid is looked up and checked. Cost: one signal.
 *
 * @returns the pid that was paused
 * @throws when the descriptor's server is not running, or it is not stopped after 5 s
 */
export function pauseServer(target: number | RedisServerDescriptor): number {
  const pid = pidOf(target);
  pauseProcess(pid);
  return pid;
}

/**
 * Resumes a server paused by `pauseServer` (SIGCONT); it then answers what queued up. Cost: one
 * signal.
 *
 * @returns the pid that was resumed
 * @throws when the descriptor's server is not running
 */
export function resumeServer(target: number | RedisServerDescriptor): number {
  const pid = pidOf(target);
  resumeProcess(pid);
  return pid;
}

/**
 * Crashes a server with SIGKILL (no save, connections reset) and waits until it is gone. Its
 * directory stays: `restartServer` brings it back on the same port (with the last RDB saved, if
 * any). Cost: a signal plus a few ms.
 *
 * @throws when the descriptor's server is not running, or the process survives 5 s
 */
export async function killServer(target: number | RedisServerDescriptor): Promise<void> {
  await killAndWait(pidOf(target));
}

/**
 * Restarts a server from its descriptor, on the same port, in the same directory, with the same
 * arguments: `SHUTDOWN SAVE` (or `NOSAVE`), wait for the exit, spawn again, wait for PING. A
 * paused server is resumed first; a killed one is just started again. The new process is detached
 * from the calling process (a vitest worker may exit before the run ends); the process that
 * created the server still stops it at teardown, finding the new pid in the pidfile. Cost: about
 * 10-50 ms for a small dataset.
 *
 * @returns the new pid
 * @throws `RedisStartError` (with the log tail) when the new process does not come up, or an
 *   `Error` when the shutdown fails (the port may also have been taken by another process)
 */
export async function restartServer(
  server: RedisServerDescriptor,
  options: RestartOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const { pid: _stalePid, ...spec } = server;
  const pid = currentPid(server);
  if (pid !== undefined) await shutdownForRestart(spec, pid, options.save ?? true, timeoutMs);
  const child = await launchServer(spec, { detached: true, timeoutMs });
  return currentPid(server) ?? child.pid ?? 0;
}

/**
 * Runs `redis-cli -h 127.0.0.1 -p PORT ...args` against a server (adding `--tls --cacert` and the
 * default user's password as needed) and returns stdout without its final newline. Error replies
 * come back as text (`ERR ...`). Cost: spawning redis-cli, ~5 ms.
 *
 * @throws `MissingBinaryError` without redis-cli; an `Error` with stderr when redis-cli fails
 *   (cannot connect) or runs longer than 10 s
 */
export function redisCli(server: RedisServerDescriptor, ...args: string[]): Promise<string> {
  return runCli(server, args);
}
