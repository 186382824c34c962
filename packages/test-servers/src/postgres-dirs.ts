// The directories of the PostgreSQL servers, as the shared registry of server directories sees
// them: their server is the postmaster of `data/`, killed with every process it forked.
import { join } from 'node:path';
import { runningPostmaster } from './postgres-process.js';
import { signalTree } from './process-tree.js';
import { type ServerDirKind, sweepStaleServerDirs } from './server-dirs.js';
import { serverUser } from './server-user.js';

/** Prefix of every PostgreSQL server directory (under the OS temp dir). */
export const POSTGRES_DIR_PREFIX = 'context-storage-pg-';

/** The data directory (`initdb -D`) inside a server directory. */
export function dataDirOf(dir: string): string {
  return join(dir, 'data');
}

/** PostgreSQL server directories, for `TrackedServerDir.create` and the sweep. */
export const POSTGRES_DIRS: ServerDirKind = {
  prefix: POSTGRES_DIR_PREFIX,
  serverPid: (dir) => runningPostmaster(dataDirOf(dir)),
  killSync: (pid) => {
    signalTree(pid, 'SIGKILL'); // works on a paused (SIGSTOP) server too
  },
  // As root, the directories belong to the unprivileged user the server runs as.
  serverUids: () => {
    const user = serverUser();
    return user === undefined ? [] : [user.uid];
  },
};

/**
 * Kills the PostgreSQL servers of directories whose owner process is gone (a test run killed with
 * SIGKILL) and removes the directories; see `sweepStaleServerDirs`. Called by
 * `postgresGlobalSetup`. Cost: one listing of the temp dir plus a few reads per leftover.
 *
 * @returns how many directories were removed
 */
export function sweepStalePostgres(): number {
  return sweepStaleServerDirs(POSTGRES_DIRS);
}
