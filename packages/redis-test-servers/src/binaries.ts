import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The command that installs every Redis binary this package uses, on Debian and Ubuntu. */
export const REDIS_INSTALL_COMMAND = 'apt-get install -y redis-server redis-tools redis-sentinel';

/** The command that installs `openssl`, needed for the TLS topology, on Debian and Ubuntu. */
export const OPENSSL_INSTALL_COMMAND = 'apt-get install -y openssl';

/** The external programs this package runs. */
export type RedisBinaryName = 'redis-server' | 'redis-cli' | 'redis-sentinel' | 'openssl';

/**
 * Where to find the external programs. Each entry is a path (absolute, or relative to the current
 * directory) or a bare name looked up on `PATH`; an omitted entry means the program's own name on
 * `PATH`. Meant for machines with Redis outside `PATH` and for testing the missing-binary error.
 */
export interface RedisBinaries {
  redisServer?: string;
  redisCli?: string;
  redisSentinel?: string;
  openssl?: string;
}

/**
 * Thrown when a program this package needs is not installed. The message says how to install it
 * (`apt-get install -y redis-server redis-tools redis-sentinel` for the Redis programs).
 */
export class MissingBinaryError extends Error {
  /** The program that was looked for. */
  readonly binary: RedisBinaryName;

  constructor(binary: RedisBinaryName, where: string) {
    const install = binary === 'openssl' ? OPENSSL_INSTALL_COMMAND : REDIS_INSTALL_COMMAND;
    const purpose =
      binary === 'openssl'
        ? 'The TLS test server needs openssl to make its certificates.'
        : 'The Redis tests start throwaway Redis 7 processes on loopback ports.';
    super(
      `${binary} was not found (${where}). ${purpose} Install it with: ${install} ` +
        '(Debian/Ubuntu, as root or with sudo).',
    );
    this.name = 'MissingBinaryError';
    this.binary = binary;
  }
}

const OPTION_NAMES: Record<RedisBinaryName, keyof RedisBinaries> = {
  'redis-server': 'redisServer',
  'redis-cli': 'redisCli',
  'redis-sentinel': 'redisSentinel',
  openssl: 'openssl',
};

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of a program, or `undefined` when it is not installed. Cost: a few stat calls. */
export function findBinary(
  binary: RedisBinaryName,
  binaries: RedisBinaries = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const wanted = binaries[OPTION_NAMES[binary]] ?? binary;
  if (wanted.includes('/')) {
    const file = isAbsolute(wanted) ? wanted : resolve(wanted);
    return isExecutable(file) ? file : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, wanted);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

/**
 * The absolute path of a program. Cost: a few stat calls.
 *
 * @throws `MissingBinaryError` (whose message says how to install it) when it is not installed
 */
export function resolveBinary(
  binary: RedisBinaryName,
  binaries: RedisBinaries = {},
  env: NodeJS.ProcessEnv = process.env,
): string {
  const found = findBinary(binary, binaries, env);
  if (found !== undefined) return found;
  const explicit = binaries[OPTION_NAMES[binary]];
  const where =
    explicit !== undefined
      ? `looked for ${explicit}, given as binaries.${OPTION_NAMES[binary]}`
      : `looked on PATH=${env.PATH ?? ''}`;
  throw new MissingBinaryError(binary, where);
}
