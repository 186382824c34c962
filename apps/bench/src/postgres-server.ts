import { startPostgres } from '@context-storage/test-servers';
import pg from 'pg';
import { serverStatementMeter } from './pg-stat-statements.js';
import type { StatementMeter } from './statements.js';

/** The database every Postgres target of the bench uses. */
export const BENCH_DATABASE = 'bench';

/** A PostgreSQL server of the bench's own, with its bench database and statement counting. */
export interface BenchPostgres {
  /** `postgres://postgres:…@127.0.0.1:port/bench`: the URI the targets connect with. */
  readonly url: string;
  readonly pid: number;
  readonly port: number;
  /** The server's temporary directory (data, socket, log), removed by {@link BenchPostgres.stop}. */
  readonly dir: string;
  /** `SHOW server_version`. */
  readonly version: string;
  /** Counts the statements run in the bench database, from `pg_stat_statements`. */
  readonly meter: StatementMeter;
  /** Closes the meter's connection, stops the server by pid and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL (`startPostgres` of @context-storage/test-servers: a free loopback
 * port, fsync off, run as the `postgres` user when this process is root) with
 * `pg_stat_statements` preloaded, creates the database {@link BENCH_DATABASE} and the extension
 * (in `postgres`, where the meter's own statements stay apart from the bench's). `onStarted` is
 * told as soon as the server runs, so that a signal can stop it even while this resolves. Cost:
 * ~1-2 s.
 *
 * @throws `MissingPostgresError` without the PostgreSQL programs; `PostgresStartError`; whatever
 *   the setup statements throw (the server is stopped then)
 */
export async function startBenchPostgres(
  onStarted?: (server: { stop(): Promise<void> }) => void,
): Promise<BenchPostgres> {
  const server = await startPostgres({
    settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.max': '1000' },
  });
  onStarted?.(server);
  const descriptor = server.describe();
  const admin = new pg.Client({ connectionString: descriptor.url });
  // The server terminates this connection when it stops: not an error of the run.
  admin.on('error', () => {});
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const version = String(
      (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
        ?.server_version,
    );
    const url = new URL(descriptor.url);
    url.pathname = `/${BENCH_DATABASE}`;
    let stopping: Promise<void> | undefined;
    return {
      url: url.toString(),
      pid: descriptor.pid,
      port: descriptor.port,
      dir: descriptor.dir,
      version,
      meter: serverStatementMeter(admin, BENCH_DATABASE),
      stop() {
        stopping ??= admin
          .end()
          .catch(() => undefined)
          .then(() => server.stop());
        return stopping;
      },
    };
  } catch (error) {
    await admin.end().catch(() => undefined);
    await server.stop();
    throw error;
  }
}
