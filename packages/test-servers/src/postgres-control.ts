// What a test does to a running server, from any process (the global setup's or a test worker's),
// knowing only its descriptor.
import type { PostgresServerDescriptor } from './postgres-descriptor.js';
import { runningPostmaster, spawnPostmaster, stopPostmaster } from './postgres-process.js';
import { killAndWait, pauseProcess, resumeProcess } from './process-control.js';

// Backends and auxiliary processes must stop with the postmaster: a paused postmaster alone
// would leave open connections answering.
const TREE = { withChildren: true } as const;

/**
 * The current postmaster pid of a server (it changes when a worker restarts it).
 *
 * @throws when the server is not running
 */
export function currentPostgresPid(server: PostgresServerDescriptor): number {
  const pid = runningPostmaster(server.dataDir);
  if (pid === undefined)
    throw new Error(`the PostgreSQL server on port ${server.port} is not running`);
  return pid;
}

/**
 * SIGSTOP to the postmaster and every process it forked (backends, checkpointer...), returning
 * once all of them are stopped: the kernel still accepts TCP connections, but nothing answers, on
 * new connections or open ones. An outage without a disconnect. Cost: a listing of /proc and a
 * signal per process.
 *
 * @throws when the server is not running, or a process is not stopped after 5 s
 */
export function pausePostgres(server: PostgresServerDescriptor): void {
  pauseProcess(currentPostgresPid(server), TREE);
}

/**
 * SIGCONT to the processes paused by {@link pausePostgres}. Cost: as for pausing.
 *
 * @throws when the server is not running
 */
export function resumePostgres(server: PostgresServerDescriptor): void {
  resumeProcess(currentPostgresPid(server), TREE);
}

/**
 * SIGKILL to the postmaster and every backend: a crash, with no shutdown checkpoint. Resolves when
 * every one of them is gone; the data directory stays for {@link restartPostgres}.
 *
 * @throws when processes are left after 5 s
 */
export async function killPostgres(server: PostgresServerDescriptor): Promise<void> {
  await killAndWait(currentPostgresPid(server), TREE);
}

/**
 * Starts the server again on the same port and data directory (after {@link killPostgres} it
 * runs crash recovery from the WAL; a running server is stopped first, fast). The new postmaster
 * is detached from this process; the owner's `stop()` finds it by its pid file.
 *
 * @returns the new postmaster pid
 * @throws `PostgresStartError` with the log tail
 */
export async function restartPostgres(server: PostgresServerDescriptor): Promise<number> {
  await stopPostmaster(server.dataDir);
  return spawnPostmaster(server);
}
