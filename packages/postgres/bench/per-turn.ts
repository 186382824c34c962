// Per-turn cost against dialog length: `pnpm --filter @context-storage/postgres bench [--quick]`.
// One turn = load the context (latest 3 items per field) + add a turn + save it, on a context
// that already holds N turns; beside it, a whole-context baseline that reads and writes the
// dialog as one JSONB row per turn. Starts its own PostgreSQL server (as the `postgres` user when
// run as root) and an in-memory PGlite. Figures are medians of many turns, in microseconds.
import { randomBytes } from 'node:crypto';
import { dialog } from '@context-storage/core/conformance';
import { startPostgres } from '@context-storage/test-servers';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PostgresContextStorage } from '../src/index.js';

const quick = process.argv.includes('--quick');
const LENGTHS = quick ? [10, 1_000] : [10, 1_000, 10_000];
const TURNS = quick ? 50 : 300;
const WARMUP = quick ? 20 : 100;

interface Raw {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeTurns(turn: (n: number) => Promise<void>): Promise<number> {
  for (let n = 0; n < WARMUP; n++) await turn(n);
  const samples: number[] = [];
  for (let n = 0; n < TURNS; n++) {
    const started = process.hrtime.bigint();
    await turn(WARMUP + n);
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return median(samples);
}

/** The layout: one statement to load, one to save, whatever the length. */
async function layoutTurn(storage: PostgresContextStorage, length: number): Promise<number> {
  const id = `bench-${length}-${randomBytes(4).toString('hex')}`;
  await storage.setItem(id, dialog(id, length));
  return timeTurns(async (n) => {
    const context = (await storage.getItem(id))!;
    context.addTurn({
      request: { text: `request ${n}` },
      label: ['flow', 'node'],
      response: { text: 'ok' },
    });
    await storage.setItem(id, context);
  });
}

/** The baseline: the whole dialog as one JSONB document, read and written back every turn. */
async function wholeTurn(raw: Raw, length: number): Promise<number> {
  await raw.query(
    'CREATE TABLE IF NOT EXISTS bench_whole (id text PRIMARY KEY, doc jsonb NOT NULL)',
  );
  const id = `whole-${length}-${randomBytes(4).toString('hex')}`;
  const turns = Array.from({ length }, (_, n) => ({
    request: { text: `request ${n + 1} of ${id}` },
    label: ['flow', `node${n + 1}`],
    response: { text: `response ${n + 1}` },
  }));
  await raw.query('INSERT INTO bench_whole VALUES ($1, $2)', [
    id,
    JSON.stringify({ misc: {}, turns }),
  ]);
  return timeTurns(async (n) => {
    const { rows } = await raw.query('SELECT doc FROM bench_whole WHERE id = $1', [id]);
    const doc = rows[0]!.doc as { turns: unknown[] };
    doc.turns.push({
      request: { text: `request ${n}` },
      label: ['flow', 'node'],
      response: { text: 'ok' },
    });
    await raw.query('UPDATE bench_whole SET doc = $2 WHERE id = $1', [id, JSON.stringify(doc)]);
  });
}

async function run(name: string, storage: PostgresContextStorage, raw: Raw): Promise<void> {
  const results: string[] = [];
  const costs = new Map<number, number>();
  for (const length of LENGTHS) {
    const layout = await layoutTurn(storage, length);
    const whole = await wholeTurn(raw, length);
    costs.set(length, layout);
    results.push(
      `| ${name} | ${length.toLocaleString('en')} | ${layout.toFixed(0)} | ${whole.toFixed(0)} | ${(whole / layout).toFixed(1)}x |`,
    );
  }
  for (const line of results) console.log(line);
  const longest = LENGTHS[LENGTHS.length - 1]!;
  console.log(
    `|   | ${longest.toLocaleString('en')} vs 10 | ${(costs.get(longest)! / costs.get(10)!).toFixed(2)}x | | |`,
  );
}

console.log(`turns measured per cell: ${TURNS} (after ${WARMUP} warm-up), median us per turn`);
console.log('| backend | turns stored | layout us/turn | whole-JSONB us/turn | layout advantage |');
console.log('| --- | --- | --- | --- | --- |');

const server = await startPostgres();
try {
  const pool = new pg.Pool({ connectionString: server.describe().url, max: 4 });
  const storage = await PostgresContextStorage.connect(server.describe().url, { prefix: 'bench' });
  await run('pg (server)', storage, pool);
  await storage.close();
  await pool.end();
} finally {
  await server.stop();
}

const db = new PGlite();
await db.waitReady;
const pglite = new PostgresContextStorage({ pglite: db }, { prefix: 'bench' });
await run('pglite (memory)', pglite, db as unknown as Raw);
await pglite.close();
await db.close();
