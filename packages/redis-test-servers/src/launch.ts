// Spawning a server process from its descriptor and waiting until it answers; shared by the
// owner-side `RedisServer` and the worker-side `restartServer`.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  launchProcess,
  runProgram,
  ServerStartError,
  signal,
  tailFile,
  waitForExit,
} from '@context-storage/test-servers';
import { resolveBinary } from './binaries.js';
import type { RedisServerDescriptor } from './descriptor.js';
import { RedisReplyError, respCommand } from './resp.js';

/** A descriptor without the pid: everything needed to start the same server again. */
export type ServerSpec = Omit<RedisServerDescriptor, 'pid'>;

/** Default deadline for a server to answer after it was spawned, in ms. */
export const DEFAULT_START_TIMEOUT_MS = 10_000;

/** Thrown when a Redis server does not come up; carries the tail of its log. */
export class RedisStartError extends ServerStartError {
  constructor(message: string, logTail: string) {
    super(message, logTail);
    this.name = 'RedisStartError';
  }
}

/** A short name of a server for messages. */
export function label(spec: ServerSpec): string {
  return `${spec.role} ${spec.command.split('/').pop() ?? ''} on ${spec.host}:${spec.port} (dir ${spec.dir})`;
}

/** Where a server's stdout and stderr go (errors before it opens its log: a bad argument). */
export const OUTPUT_FILE_NAME = 'redis.out';

/** The log tail of a server (and its stdout/stderr, if any), formatted for an error message. */
export function logSection(spec: ServerSpec, lines = 30): string {
  const outputFile = join(spec.dir, OUTPUT_FILE_NAME);
  const output = tailFile(outputFile, 10);
  const tail = tailFile(spec.logFile, lines);
  const parts = [
    tail === ''
      ? `(${spec.logFile} is empty or missing)`
      : `last lines of ${spec.logFile}:\n${tail}`,
  ];
  if (output !== '') parts.push(`last lines of ${outputFile}:\n${output}`);
  return parts.join('\n');
}

/** PONG (or an auth error, which also proves the server is serving); LOADING means not yet. */
async function answersPing(spec: ServerSpec): Promise<true> {
  try {
    const reply = await respCommand(spec, ['PING'], { timeoutMs: 1000 });
    if (reply === 'PONG') return true;
    throw new Error(`PING answered ${JSON.stringify(reply)}`);
  } catch (error) {
    if (error instanceof RedisReplyError && /^(NOAUTH|WRONGPASS|NOPERM)/.test(error.message)) {
      return true;
    }
    throw error;
  }
}

/**
 * Spawns the server of `spec` and waits until it answers PING. `detached` servers get their own
 * process group and do not keep this process alive (used when a test worker restarts a server
 * owned by the global setup).
 *
 * @throws `RedisStartError` with the log tail when it exits or does not answer in time (the
 *   process is killed first)
 */
export async function launchServer(
  spec: ServerSpec,
  options: { detached: boolean; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void },
): Promise<ChildProcess> {
  const outputFile = join(spec.dir, OUTPUT_FILE_NAME);
  const { child } = await launchProcess({
    command: spec.command,
    args: spec.args,
    cwd: spec.dir,
    outputFile,
    detached: options.detached,
    what: `${label(spec)} to answer PING`,
    ready: () => answersPing(spec),
    timeoutMs: options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    details: () => logSection(spec),
    logTail: () => `${tailFile(spec.logFile, 30)}\n${tailFile(outputFile, 10)}`,
    ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
    StartError: RedisStartError,
  });
  return child;
}

/**
 * Brings a running server down for a restart: `SHUTDOWN SAVE` (writes the RDB the next process
 * loads) or `SHUTDOWN NOSAVE`; sentinels get SIGTERM (their state is their config file). A paused
 * server is resumed first.
 *
 * @throws when SHUTDOWN is refused or the process is still there at the deadline
 */
export async function shutdownForRestart(
  spec: ServerSpec,
  pid: number,
  save: boolean,
  timeoutMs: number,
): Promise<void> {
  signal(pid, 'SIGCONT');
  if (spec.role === 'sentinel') {
    signal(pid, 'SIGTERM');
  } else {
    try {
      await respCommand(spec, ['SHUTDOWN', save ? 'SAVE' : 'NOSAVE'], {
        expectClose: true,
        timeoutMs,
      });
    } catch (error) {
      throw new Error(
        `SHUTDOWN ${save ? 'SAVE' : 'NOSAVE'} failed on ${label(spec)}: ${(error as Error).message}\n${logSection(spec)}`,
        { cause: error },
      );
    }
  }
  if (!(await waitForExit(pid, timeoutMs))) {
    throw new Error(
      `${label(spec)} (pid ${pid}) did not exit within ${timeoutMs} ms\n${logSection(spec)}`,
    );
  }
}

/**
 * Runs `redis-cli` against a server (TLS and password handled) and returns its stdout without the
 * final newline. Error replies come back as text (`ERR ...`), as redis-cli prints them.
 *
 * @throws `MissingBinaryError` without redis-cli; an `Error` with stderr when redis-cli fails
 *   (cannot connect, for instance) or runs longer than `timeoutMs`
 */
export async function runCli(
  spec: Pick<ServerSpec, 'host' | 'port' | 'password' | 'tls' | 'cliCommand'>,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<string> {
  const cli = spec.cliCommand ?? resolveBinary('redis-cli');
  const connection = ['-h', spec.host, '-p', String(spec.port)];
  if (spec.tls !== undefined) {
    connection.push('--tls', '--cacert', spec.tls.caFile);
    if (spec.tls.clientCertFile !== undefined && spec.tls.clientKeyFile !== undefined) {
      connection.push('--cert', spec.tls.clientCertFile, '--key', spec.tls.clientKeyFile);
    }
  }
  if (spec.password !== undefined) connection.push('--no-auth-warning', '-a', spec.password);
  // The label leaves out the connection arguments, which hold the password.
  const stdout = await runProgram(cli, [...connection, ...args], {
    label: `redis-cli -p ${spec.port} ${args.join(' ')}`,
    timeoutMs,
  });
  return stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout;
}
