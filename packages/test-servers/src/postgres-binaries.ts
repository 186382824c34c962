import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, MissingBinaryError, type RequiredBinary } from './binaries.js';

/** The command that installs the PostgreSQL server programs on Debian and Ubuntu. */
export const POSTGRES_INSTALL_COMMAND = 'apt-get install -y postgresql';

/** The environment variable naming the folder of `initdb` and `postgres`, to override the search. */
export const POSTGRES_BINDIR_ENV = 'CONTEXT_STORAGE_PG_BINDIR';

/** The server programs this package runs, all from one folder of one PostgreSQL version. */
export interface PostgresBinaries {
  /** The folder holding them (`/usr/lib/postgresql/15/bin` on Debian). */
  readonly binDir: string;
  readonly initdb: string;
  readonly postgres: string;
}

const POSTGRES: RequiredBinary = {
  name: 'postgres',
  purpose: 'The PostgreSQL tests start a throwaway server on a loopback port.',
  install: POSTGRES_INSTALL_COMMAND,
};

/** Thrown when no PostgreSQL server programs are found; the message says how to install them. */
export class MissingPostgresError extends MissingBinaryError {
  constructor(searched: readonly string[]) {
    super(
      ['initdb', 'postgres'],
      `looked in: ${searched.join(', ') || 'nothing'}`,
      POSTGRES,
      `point ${POSTGRES_BINDIR_ENV} at the folder holding initdb and postgres`,
    );
    this.name = 'MissingPostgresError';
  }
}

function quietly(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
  } catch {
    return undefined;
  }
}

/**
 * Folders that may hold the server programs, best first: the environment override, what
 * `pg_config --bindir` says, what dpkg lists for the installed `postgresql-N` packages (Debian
 * keeps them off PATH, in /usr/lib/postgresql/N/bin), then those folders by version, newest first.
 */
function candidateDirs(env: NodeJS.ProcessEnv): string[] {
  const dirs: string[] = [];
  const override = env[POSTGRES_BINDIR_ENV];
  if (override !== undefined && override !== '') return [override];
  const fromConfig = quietly('pg_config', ['--bindir'])?.trim();
  if (fromConfig !== undefined && fromConfig !== '') dirs.push(fromConfig);
  // dpkg-query's own format syntax, not a template string.
  const format = ['-f=$', '{Package}\\n'].join('');
  const packages = quietly('dpkg-query', ['-W', format, 'postgresql-[0-9]*']) ?? '';
  for (const name of packages.split('\n').filter((line) => /^postgresql-\d+$/.test(line))) {
    const files = quietly('dpkg', ['-L', name]) ?? '';
    const initdb = files.split('\n').find((file) => file.endsWith('/bin/initdb'));
    if (initdb !== undefined) dirs.push(initdb.slice(0, -'/initdb'.length));
  }
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) dirs.push(join('/usr/lib/postgresql', version, 'bin'));
  } catch {
    // not a Debian layout
  }
  return [...new Set(dirs)];
}

/**
 * Finds `initdb` and `postgres` of one installed PostgreSQL. Cost: a few short subprocesses
 * (`pg_config`, `dpkg-query`, `dpkg -L`), once per call.
 *
 * @throws `MissingPostgresError` naming the folders searched and how to install PostgreSQL
 */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): PostgresBinaries {
  const searched = candidateDirs(env);
  for (const binDir of searched) {
    const initdb = findBinary('initdb', { dirs: [binDir] });
    const postgres = findBinary('postgres', { dirs: [binDir] });
    if (initdb !== undefined && postgres !== undefined) return { binDir, initdb, postgres };
  }
  throw new MissingPostgresError(searched);
}
