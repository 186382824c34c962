// The directories of the Redis servers, as the shared registry of server directories sees them:
// their server writes its pid to redis.pid and runs in the directory (`--dir`).
import { join } from 'node:path';
import {
  readServerPid,
  type ServerDirKind,
  sweepStaleServerDirs,
} from '@context-storage/test-servers';

/** Prefix of every server directory (under the OS temp dir). */
export const SERVER_DIR_PREFIX = 'context-storage-redis-';
/** The pidfile each server writes in its directory (`--pidfile`). */
export const PID_FILE_NAME = 'redis.pid';
/** The log each server writes in its directory (`--logfile`). */
export const LOG_FILE_NAME = 'redis.log';

/** Redis server directories, for `TrackedServerDir.create` and the sweep. */
export const REDIS_DIRS: ServerDirKind = {
  prefix: SERVER_DIR_PREFIX,
  serverPid: (dir) => readServerPid(join(dir, PID_FILE_NAME), dir),
};

/**
 * Kills the servers left behind by earlier test runs of this user that died without stopping
 * them (their owner process is gone), and removes their directories. A pid is only signalled when
 * it comes from the pidfile of such a directory and (on Linux) runs in that directory. Called by
 * `redisServersSetup`; servers of runs still in progress are left alone. Cost: one listing of the
 * OS temp dir plus a few reads per leftover directory.
 *
 * @returns the number of directories removed
 */
export function sweepStaleServers(): number {
  return sweepStaleServerDirs(REDIS_DIRS);
}
