// The Redis programs and where to look for them; the lookup itself is @context-storage/test-servers'.
import {
  type ExplicitBinary,
  findBinary as findProgram,
  OPENSSL,
  type RequiredBinary,
  requireBinary,
} from '@context-storage/test-servers';

/** The command that installs every Redis binary this package uses, on Debian and Ubuntu. */
export const REDIS_INSTALL_COMMAND = 'apt-get install -y redis-server redis-tools redis-sentinel';

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

const OPTION_NAMES: Record<RedisBinaryName, keyof RedisBinaries> = {
  'redis-server': 'redisServer',
  'redis-cli': 'redisCli',
  'redis-sentinel': 'redisSentinel',
  openssl: 'openssl',
};

function required(binary: RedisBinaryName): RequiredBinary {
  if (binary === 'openssl') return OPENSSL;
  return {
    name: binary,
    purpose: 'The Redis tests start throwaway Redis 7 processes on loopback ports.',
    install: REDIS_INSTALL_COMMAND,
  };
}

function explicit(binary: RedisBinaryName, binaries: RedisBinaries): ExplicitBinary | undefined {
  const option = OPTION_NAMES[binary];
  const path = binaries[option];
  return path === undefined ? undefined : { path, givenAs: `binaries.${option}` };
}

/** The absolute path of a program, or `undefined` when it is not installed. Cost: a few stat calls. */
export function findBinary(
  binary: RedisBinaryName,
  binaries: RedisBinaries = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return findProgram(explicit(binary, binaries)?.path ?? binary, { env });
}

/**
 * The absolute path of a program. Cost: a few stat calls.
 *
 * @throws `MissingBinaryError` (whose message says how to install it:
 *   `apt-get install -y redis-server redis-tools redis-sentinel` for the Redis programs) when it
 *   is not installed
 */
export function resolveBinary(
  binary: RedisBinaryName,
  binaries: RedisBinaries = {},
  env: NodeJS.ProcessEnv = process.env,
): string {
  return requireBinary(required(binary), explicit(binary, binaries), env);
}
