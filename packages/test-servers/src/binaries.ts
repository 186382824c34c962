// Finding the external programs a launcher runs, and saying how to install one that is missing.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** An external program a launcher needs, and what the error says when it is missing. */
export interface RequiredBinary {
  /** Its file name, looked up on `PATH` (`redis-server`, `openssl`). */
  readonly name: string;
  /** One sentence on why the tests need it. */
  readonly purpose: string;
  /** The command that installs it on Debian and Ubuntu. */
  readonly install: string;
}

/** Where a launcher was told to look for a program, instead of `PATH`. */
export interface ExplicitBinary {
  /** A path (absolute, or relative to the current directory) or a bare name looked up on `PATH`. */
  readonly path: string;
  /** Where that came from, for the error (`binaries.redisServer`, `CONTEXT_STORAGE_PG_BINDIR`). */
  readonly givenAs: string;
}

/** The command that installs `openssl`, which makes the TLS certificates, on Debian and Ubuntu. */
export const OPENSSL_INSTALL_COMMAND = 'apt-get install -y openssl';

/** openssl, as the TLS certificates need it. */
export const OPENSSL: RequiredBinary = {
  name: 'openssl',
  purpose: 'The TLS test servers need openssl to make their certificates.',
  install: OPENSSL_INSTALL_COMMAND,
};

/**
 * Thrown when a program the tests need is not installed. The message names what was searched,
 * why the tests need it and the command that installs it.
 */
export class MissingBinaryError extends Error {
  /** The program (or programs) looked for. */
  readonly binary: string;
  /** The command that installs it. */
  readonly install: string;

  /**
   * @param binary what was looked for (`redis-server`, or `['initdb', 'postgres']`)
   * @param where what was searched (`looked on PATH=...`)
   * @param otherwise another way to provide it, appended after the install command
   */
  constructor(
    binary: string | readonly string[],
    where: string,
    need: Pick<RequiredBinary, 'purpose' | 'install'>,
    otherwise?: string,
  ) {
    const names = typeof binary === 'string' ? [binary] : binary;
    super(
      `${names.join(' and ')} ${names.length === 1 ? 'was' : 'were'} not found (${where}). ` +
        `${need.purpose} Install it with: ${need.install} (Debian/Ubuntu, as root or with sudo)` +
        `${otherwise === undefined ? '' : `, or ${otherwise}`}.`,
    );
    this.name = 'MissingBinaryError';
    this.binary = names.join(' and ');
    this.install = need.install;
  }
}

/** Whether `file` exists and this process may run it. Cost: one access(2) call. */
function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where {@link findBinary} looks for a bare name. */
export interface BinarySearch {
  /** The folders to search, in order (default: those of `env.PATH`). */
  readonly dirs?: readonly string[];
  /** The environment whose `PATH` is searched (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The absolute path of a program, or `undefined` when it is not installed: `wanted` with a `/` is
 * a path (relative to the current directory unless absolute), else a name looked up in
 * `search.dirs` or on `PATH`. Cost: one access(2) call per folder searched.
 */
export function findBinary(wanted: string, search: BinarySearch = {}): string | undefined {
  if (wanted.includes('/')) {
    const file = isAbsolute(wanted) ? wanted : resolve(wanted);
    return isExecutable(file) ? file : undefined;
  }
  const dirs = search.dirs ?? ((search.env ?? process.env).PATH ?? '').split(delimiter);
  for (const dir of dirs) {
    if (dir === '') continue;
    const file = join(dir, wanted);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

/**
 * The absolute path of a program: the explicit one when given, else its name on `PATH`. Cost: a
 * few access(2) calls.
 *
 * @throws `MissingBinaryError` (whose message says how to install it) when it is not installed
 */
export function requireBinary(
  binary: RequiredBinary,
  explicit?: ExplicitBinary,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const found = findBinary(explicit?.path ?? binary.name, { env });
  if (found !== undefined) return found;
  const where =
    explicit === undefined
      ? `looked on PATH=${env.PATH ?? ''}`
      : `looked for ${explicit.path}, given as ${explicit.givenAs}`;
  throw new MissingBinaryError(binary.name, where, binary);
}
