import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childrenOf,
  currentPostgresPid,
  isProcessRunning,
  killPostgres,
  type PostgresServer,
  pausePostgres,
  restartPostgres,
  resumePostgres,
  startPostgres,
} from '../src/index.js';

let server: PostgresServer;

function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Runs one SQL command with psql over TCP with the superuser's password; resolves stdout. */
function psql(sql: string, conninfo = ''): Promise<string> {
  const d = server.describe();
  return new Promise((resolve, reject) => {
    execFile(
      join(d.binaries.binDir, 'psql'),
      [
        `host=127.0.0.1 port=${d.port} user=${d.superuser} dbname=postgres connect_timeout=2 ${conninfo}`,
        '-XAtc',
        sql,
      ],
      { env: { ...process.env, PGPASSWORD: d.password }, timeout: 10_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message} ${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

beforeAll(async () => {
  server = await startPostgres({ tls: true });
}, 60_000);
afterAll(() => server?.stop());

describe('startPostgres', () => {
  it('answers on 127.0.0.1 with the password, never as root', async () => {
    expect(await psql('select 1')).toBe('1');
    expect(await psql('select current_setting($$listen_addresses$$)')).toBe('127.0.0.1');
    const d = server.describe();
    expect(existsSync(join(d.socketDir, `.s.PGSQL.${d.port}`))).toBe(true);
    await expect(
      new Promise((resolve, reject) =>
        execFile(
          join(d.binaries.binDir, 'psql'),
          [
            `host=127.0.0.1 port=${d.port} user=postgres password=wrong dbname=postgres`,
            '-c',
            'select 1',
          ],
          { env: {} },
          (e) => (e ? reject(e) : resolve(undefined)),
        ),
      ),
    ).rejects.toThrow(/password authentication failed/);
  });

  it('serves TLS with a certificate its CA verifies', async () => {
    const ca = server.describe().tls!.caFile;
    expect(
      await psql(
        'select ssl from pg_stat_ssl where pid = pg_backend_pid()',
        `host=localhost sslmode=verify-full sslrootcert=${ca}`,
      ),
    ).toBe('t');
  });

  it('pauses, resumes, survives a SIGKILL and restarts with its data', async () => {
    await psql('create table if not exists kept (n int); insert into kept values (42)');
    pausePostgres(server.describe());
    // Backends call setsid(): they are not in the postmaster's process group, yet all must stop.
    const pid = currentPostgresPid(server.describe());
    const processes = [pid, ...childrenOf(pid)];
    expect(processes.length).toBeGreaterThan(3); // checkpointer, writer, walwriter, ...
    // A backend that had just exited stays a zombie (Z) while its paused parent cannot reap it.
    const living = processes.map(processState).filter((state) => state !== 'Z');
    expect(living).toEqual(living.map(() => 'T'));
    await expect(psql('select 1')).rejects.toThrow(/timeout/i);
    resumePostgres(server.describe());
    expect(await psql('select 1')).toBe('1');
    const before = currentPostgresPid(server.describe());
    await killPostgres(server.describe());
    await expect(psql('select 1')).rejects.toThrow();
    const after = await restartPostgres(server.describe());
    expect(after).not.toBe(before);
    expect(await psql('select n from kept')).toBe('42');
  }, 60_000);

  it('stop() ends the server, whatever its pid, and removes its dir', async () => {
    const other = await startPostgres();
    const d = other.describe();
    await restartPostgres(d);
    const pid = currentPostgresPid(d);
    await other.stop();
    expect(existsSync(d.dir)).toBe(false);
    // Gone, or a zombie this process has not reaped yet: either way no longer running.
    expect(isProcessRunning(pid)).toBe(false);
  }, 60_000);
});
