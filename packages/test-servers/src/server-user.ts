import { execFileSync } from 'node:child_process';

/** The environment variable naming the user to run servers as when the tests run as root. */
export const SERVER_USER_ENV = 'CONTEXT_STORAGE_SERVER_USER';

/** An unprivileged system user to run a server process as. */
export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * The user to run PostgreSQL as: `undefined` when this process is not root (the server runs as
 * this user), else the `postgres` system user that Debian's package creates (or the user named by
 * `CONTEXT_STORAGE_SERVER_USER`). PostgreSQL refuses to run as root; spawning it with this user's
 * uid and gid keeps the pid we get the server's own (no `su` or `sudo` in between).
 *
 * @throws when running as root and the user does not exist
 */
export function serverUser(env: NodeJS.ProcessEnv = process.env): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = env[SERVER_USER_ENV] || 'postgres';
  const id = (flag: string): number => {
    try {
      return Number(execFileSync('id', [flag, name], { encoding: 'utf8', timeout: 5000 }).trim());
    } catch (cause) {
      throw new Error(
        `the tests run as root, and PostgreSQL refuses to run as root; the unprivileged user "${name}" ` +
          `to run it as does not exist (the postgresql package creates "postgres"; or set ${SERVER_USER_ENV})`,
        { cause },
      );
    }
  };
  return { name, uid: id('-u'), gid: id('-g') };
}
