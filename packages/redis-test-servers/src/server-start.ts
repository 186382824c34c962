// Starting one server process in a fresh directory, on fresh ports, with retries when a port was
// taken in the meantime; and the redis-server arguments every server of this package gets.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateTlsFiles,
  getFreePort,
  LOOPBACK,
  startOnFreePort,
  TrackedServerDir,
} from '@context-storage/test-servers';
import { type RedisBinaries, resolveBinary } from './binaries.js';
import type { RedisServerRole, RedisTlsFiles } from './descriptor.js';
import {
  DEFAULT_START_TIMEOUT_MS,
  launchServer,
  OUTPUT_FILE_NAME,
  type ServerSpec,
} from './launch.js';
import { LOG_FILE_NAME, PID_FILE_NAME, REDIS_DIRS } from './redis-dirs.js';
import { RedisServer, RedisTlsServer } from './server.js';

/** Options every start function accepts. */
export interface CommonServerOptions {
  /**
   * The default user's password (`requirepass`; with ACL rules, a `user default on >PASSWORD ~* &*
   * +@all` line unless the rules define `default` themselves). `cli()` and the health checks
   * authenticate with it.
   */
  password?: string;
  /**
   * Extra redis-server arguments, appended last so they override the defaults, e.g.
   * `['--save', '60 1']` or `['--appendonly', 'yes']` for a test that wants persistence.
   */
  args?: readonly string[];
  /** Where the programs are (default: on PATH). */
  binaries?: RedisBinaries;
  /** Deadline for each server to answer after it was spawned, in ms (default 10000). */
  timeoutMs?: number;
}

/** Ports and directory of one start attempt. */
export interface AttemptContext {
  readonly dir: string;
  readonly port: number;
  readonly extraPorts: readonly number[];
}

/** How to start one server process. */
export interface ServerRecipe {
  role: RedisServerRole;
  command: string;
  cliCommand: string | undefined;
  password: string | undefined;
  timeoutMs: number | undefined;
  /** Ports needed besides the client port (the cluster bus port). */
  extraPorts: number;
  /** Runs once, in the fresh directory, before the first attempt; returns the TLS files, if any. */
  prepare(dir: string): Promise<RedisTlsFiles | undefined>;
  /** The program's arguments for one attempt. */
  args(context: AttemptContext): Promise<string[]>;
  /** The server's URL (default `redis://` or `rediss://` with host and port). */
  url?(port: number): string;
}

/**
 * Starts one server: fresh directory, fresh ports, spawn, wait for PING; retries with new ports
 * when the port was taken meanwhile. The directory is removed when it fails.
 *
 * @throws `RedisStartError` with the log tail
 */
export async function startProcess(recipe: ServerRecipe): Promise<RedisServer> {
  const tracking = await TrackedServerDir.create(REDIS_DIRS);
  const { dir } = tracking;
  const pidFile = join(dir, PID_FILE_NAME);
  const logFile = join(dir, LOG_FILE_NAME);
  try {
    const tls = await recipe.prepare(dir);
    return await startOnFreePort(async (port) => {
      const extraPorts: number[] = [];
      for (let i = 0; i < recipe.extraPorts; i += 1) extraPorts.push(await getFreePort());
      const spec: ServerSpec = {
        role: recipe.role,
        host: LOOPBACK,
        port,
        url:
          recipe.url?.(port) ?? `${tls === undefined ? 'redis' : 'rediss'}://${LOOPBACK}:${port}`,
        dir,
        pidFile,
        logFile,
        command: recipe.command,
        args: await recipe.args({ dir, port, extraPorts }),
        ...(recipe.password !== undefined ? { password: recipe.password } : {}),
        ...(tls !== undefined ? { tls } : {}),
        ...(recipe.cliCommand !== undefined ? { cliCommand: recipe.cliCommand } : {}),
      };
      await rm(logFile, { force: true });
      await rm(join(dir, OUTPUT_FILE_NAME), { force: true });
      const child = await launchServer(spec, {
        detached: false,
        timeoutMs: recipe.timeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        onSpawn: (spawned) => {
          tracking.child = spawned;
        },
      });
      return tls === undefined
        ? new RedisServer(spec, child, tracking)
        : new RedisTlsServer(spec, child, tracking);
    });
  } catch (error) {
    await tracking.remove();
    throw error;
  }
}

/** The arguments every redis-server of this package starts with (loopback only, no persistence). */
export function baseRedisArgs(dir: string, port: number, tlsPort?: number): string[] {
  return [
    '--bind',
    LOOPBACK,
    '--port',
    String(tlsPort === undefined ? port : 0),
    ...(tlsPort === undefined ? [] : ['--tls-port', String(tlsPort)]),
    '--dir',
    dir,
    '--dbfilename',
    'dump.rdb',
    '--pidfile',
    join(dir, PID_FILE_NAME),
    '--logfile',
    join(dir, LOG_FILE_NAME),
    '--daemonize',
    'no',
    '--save',
    '',
    '--appendonly',
    'no',
    '--enable-debug-command',
    'local',
    // A master waits 5 s by default before a diskless full sync, in case more replicas come.
    '--repl-diskless-sync-delay',
    '0',
  ];
}

/** How a TLS server checks client certificates (`tls-auth-clients`). */
export type TlsAuthClients = 'no' | 'yes' | 'optional';

/** Options of a redis-server (not sentinel) recipe. */
export interface RedisServerRecipeOptions extends CommonServerOptions {
  /** ACL rules, one `user NAME ...` line each (`user ` is added when missing), as an aclfile. */
  aclUsers?: readonly string[];
  /** An ACL file to start from (copied into the server's directory; `aclUsers` are appended). */
  aclFile?: string;
  /** Listen only on a TLS port (see `startTls`). */
  tls?: boolean | { authClients?: TlsAuthClients };
}

const DEFAULT_USER_LINE = /^user\s+default(\s|$)/;

async function aclLines(options: RedisServerRecipeOptions): Promise<string[] | undefined> {
  if (options.aclUsers === undefined && options.aclFile === undefined) return undefined;
  const lines: string[] = [];
  if (options.aclFile !== undefined) {
    const text = await readFile(options.aclFile, 'utf8');
    lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
  }
  for (const rule of options.aclUsers ?? []) {
    if (/[\r\n]/.test(rule))
      throw new Error(`an ACL rule must be one line: ${JSON.stringify(rule)}`);
    const line = rule.trim();
    lines.push(line.startsWith('user ') ? line : `user ${line}`);
  }
  if (options.password !== undefined && !lines.some((line) => DEFAULT_USER_LINE.test(line))) {
    lines.push(`user default on >${options.password} ~* &* +@all`);
  }
  return lines;
}

/**
 * The recipe of a redis-server: base arguments, TLS, ACL or password, `roleArgs`, then the
 * caller's `args`.
 *
 * @throws `MissingBinaryError` when redis-server (or openssl, for TLS) is missing
 */
export function redisServerRecipe(
  role: RedisServerRole,
  options: RedisServerRecipeOptions,
  roleArgs: (context: AttemptContext) => string[] = () => [],
  extraPorts = 0,
): ServerRecipe {
  const command = resolveBinary('redis-server', options.binaries);
  const tls = options.tls === undefined || options.tls === false ? undefined : options.tls;
  const authClients: TlsAuthClients =
    tls === undefined || tls === true ? 'no' : (tls.authClients ?? 'no');
  let tlsFiles: RedisTlsFiles | undefined;
  let authArgs: string[] = [];
  return {
    role,
    command,
    cliCommand: options.binaries?.redisCli,
    password: options.password,
    timeoutMs: options.timeoutMs,
    extraPorts,
    async prepare(dir) {
      if (tls !== undefined) {
        tlsFiles = await generateTlsFiles(dir, {
          clientCertificate: authClients !== 'no',
          openssl: resolveBinary('openssl', options.binaries),
        });
      }
      const acl = await aclLines(options);
      if (acl !== undefined) {
        const aclPath = join(dir, 'users.acl');
        await writeFile(aclPath, `${acl.join('\n')}\n`);
        authArgs = ['--aclfile', aclPath];
      } else if (options.password !== undefined) {
        authArgs = ['--requirepass', options.password];
      }
      return tlsFiles;
    },
    async args(context) {
      const args = baseRedisArgs(context.dir, context.port, tlsFiles ? context.port : undefined);
      if (tlsFiles !== undefined) {
        args.push(
          '--tls-cert-file',
          tlsFiles.certFile,
          '--tls-key-file',
          tlsFiles.keyFile,
          '--tls-ca-cert-file',
          tlsFiles.caFile,
          '--tls-auth-clients',
          authClients,
        );
      }
      if (options.password !== undefined) args.push('--masterauth', options.password);
      return [...args, ...authArgs, ...roleArgs(context), ...(options.args ?? [])];
    },
  };
}
