import type pg from 'pg';
import { type StatementMeter, type StatementTally, statementLabel } from './statements.js';

/**
 * The statement meter of a server: `pg_stat_statements_reset()` before the block, the entries of
 * database `database` after, both on `admin`, a superuser connection to another database (so that
 * the meter's own statements are never counted). Only top-level statements are counted (the
 * extension's default `track = top`): what clients sent, not what the layout's functions run
 * inside. Two statements on `admin` per measure.
 */
export function serverStatementMeter(admin: pg.Client, database: string): StatementMeter {
  return {
    source: 'pg_stat_statements',
    async measure(block): Promise<StatementTally> {
      await admin.query('SELECT pg_stat_statements_reset()');
      await block();
      const { rows } = await admin.query<{ query: string; calls: string; ms: number }>(
        `SELECT s.query, s.calls, s.total_exec_time AS ms
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = $1 AND s.toplevel`,
        [database],
      );
      const calls: Record<string, number> = {};
      let serverMs = 0;
      for (const row of rows) {
        const label = statementLabel(row.query);
        calls[label] = (calls[label] ?? 0) + Number(row.calls);
        serverMs += row.ms;
      }
      return { calls, serverMs };
    },
  };
}
