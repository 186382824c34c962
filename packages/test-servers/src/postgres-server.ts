import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOOPBACK, startOnFreePort } from './ports.js';
import { findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import type { PostgresServerDescriptor, PostgresTlsFiles } from './postgres-descriptor.js';
import { dataDirOf, POSTGRES_DIRS } from './postgres-dirs.js';
import { spawnPostmaster, stopPostmaster } from './postgres-process.js';
import { runProgram } from './run-program.js';
import { TrackedServerDir } from './server-dirs.js';
import { type ServerUser, serverUser } from './server-user.js';
import { generateTlsFiles } from './tls-certificates.js';

/** Options of {@link startPostgres}. */
export interface PostgresServerOptions {
  /** Make a CA and a server certificate and turn `ssl` on (plain connections still work). */
  tls?: boolean;
  /** Extra `-c name=value` settings, e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
  settings?: Readonly<Record<string, string>>;
  /** Where the programs are (default: found by `findPostgresBinaries`). */
  binaries?: PostgresBinaries;
  /** Deadline of the start, in ms. Default 30,000. */
  timeoutMs?: number;
}

/** A running throwaway PostgreSQL server owned by this process. */
export interface PostgresServer {
  /** The JSON descriptor (what test workers receive). */
  describe(): PostgresServerDescriptor;
  /** Stops the server (whatever its current pid, after a restart by a worker) and removes its dir. Idempotent. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

/** Hands a tree to the server user (PostgreSQL wants to own its data directory and key file). */
function chownTree(path: string, user: ServerUser): void {
  chownSync(path, user.uid, user.gid);
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path)) chownTree(join(path, name), user);
  }
}

/**
 * Starts a throwaway PostgreSQL server: `initdb` into a fresh temp dir (UTF8, C locale,
 * scram-sha-256 on TCP, trust on the unix socket, a random superuser password), then `postgres`
 * on a free 127.0.0.1 port with its socket in that dir, `fsync=off` (a killed server process
 * still loses nothing acknowledged: the WAL is written before a commit returns; only an OS crash
 * could lose it). As root it runs both as the unprivileged `postgres` user. Cost: ~1-2 s.
 *
 * @throws `MissingPostgresError`; `PostgresStartError` with the log tail
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binaries = options.binaries ?? findPostgresBinaries();
  const user = serverUser();
  const tracking = await TrackedServerDir.create(POSTGRES_DIRS);
  const { dir } = tracking;
  try {
    const dataDir = dataDirOf(dir);
    const socketDir = join(dir, 'socket');
    const logFile = join(dir, 'postgres.log');
    await mkdir(socketDir);
    const password = randomBytes(12).toString('hex');
    await writeFile(join(dir, 'password'), `${password}\n`, { mode: 0o600 });
    let tls: PostgresTlsFiles | undefined;
    if (options.tls === true) {
      const tlsDir = join(dir, 'tls');
      await mkdir(tlsDir);
      tls = await generateTlsFiles(tlsDir);
      chmodSync(tls.keyFile, 0o600);
    }
    await writeFile(logFile, '');
    if (user !== undefined) chownTree(dir, user);
    await runProgram(
      binaries.initdb,
      [
        '-D',
        dataDir,
        '-U',
        SUPERUSER,
        `--pwfile=${join(dir, 'password')}`,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ],
      { timeoutMs: 60_000, ...(user === undefined ? {} : { user }) },
    );
    const settings: Record<string, string> = {
      listen_addresses: LOOPBACK,
      unix_socket_directories: socketDir,
      fsync: 'off',
      full_page_writes: 'off',
      max_connections: '200',
      ...(tls === undefined
        ? {}
        : { ssl: 'on', ssl_cert_file: tls.certFile, ssl_key_file: tls.keyFile }),
      ...options.settings,
    };
    const descriptor = await startOnFreePort(async (port): Promise<PostgresServerDescriptor> => {
      const args = ['-D', dataDir, '-p', String(port)];
      for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
      const spec = { dataDir, args, binaries, logFile, port, ...(user ? { user } : {}) };
      const pid = await spawnPostmaster(spec, options.timeoutMs ?? 30_000);
      return {
        ...spec,
        host: LOOPBACK,
        socketDir,
        dir,
        pid,
        superuser: SUPERUSER,
        password,
        url: `postgres://${SUPERUSER}:${password}@${LOOPBACK}:${port}/postgres`,
        ...(tls === undefined ? {} : { tls }),
      };
    });
    return serverOf(descriptor, tracking);
  } catch (error) {
    await stopPostmaster(dataDirOf(dir)).catch(() => undefined);
    tracking.killSync(); // whatever is left of the server, and the directory
    throw error;
  }
}

function serverOf(
  descriptor: PostgresServerDescriptor,
  tracking: TrackedServerDir,
): PostgresServer {
  let stopping: Promise<void> | undefined;
  return {
    describe: () => descriptor,
    stop() {
      stopping ??= (async () => {
        try {
          await stopPostmaster(descriptor.dataDir);
        } finally {
          tracking.killSync(); // a postmaster that survived, and the directory
        }
      })();
      return stopping;
    },
  };
}
