import type pg from 'pg';
import type { StatementMeter } from '../statements.js';
import type { TurnTarget } from './target.js';
import { addWholeTurn, type WholeContext, wholeDialog } from './whole-context.js';

/**
 * Baseline 1 on PostgreSQL: the whole-context design (Chatsky's SQL storages before 0.10), one
 * JSONB row per context in a table of its own, `(id text PRIMARY KEY, doc jsonb)`. Every turn
 * SELECTs the document (node-postgres parses it), adds the turn in JS and upserts the whole
 * document again (`INSERT ... ON CONFLICT (id) DO UPDATE`): two statements whose size, and the
 * server's JSONB work, grow with the dialog. Measured beside the `postgres` adapter, on its
 * server and database, through a pool of its own of the adapter's size.
 */
export function wholeJsonbTarget(pool: pg.Pool, table: string, meter: StatementMeter): TurnTarget {
  const select = `SELECT doc FROM ${table} WHERE id = $1`;
  const upsert = `INSERT INTO ${table} (id, doc) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`;
  const load = async (id: string): Promise<WholeContext> => {
    const { rows } = await pool.query<{ doc: WholeContext }>(select, [id]);
    const doc = rows[0]?.doc;
    if (doc === undefined) throw new Error(`context ${id} is missing`);
    return doc;
  };
  return {
    name: 'whole-context JSONB (pg)',
    kind: 'whole-context',
    client: 'pg',
    usesRedis: false,
    statements: { meter, load },
    beside: 'postgres',
    async seed(ids, shape, turns) {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, doc jsonb NOT NULL)`,
      );
      for (const id of ids) {
        await pool.query(upsert, [id, JSON.stringify(wholeDialog(id, shape, turns))]);
      }
    },
    async turn(id, shape) {
      const context = await load(id);
      addWholeTurn(context, shape);
      await pool.query(upsert, [id, JSON.stringify(context)]);
    },
    async clear() {
      await pool.query(`DELETE FROM ${table}`);
    },
  };
}
