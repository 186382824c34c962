import { dialog, randomId } from '@context-storage/core/conformance';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { PostgresContextStorage, SCHEMA_VERSION, type SqlClient } from '../src/index.js';
import { type CountingClient, countingClient } from './counting-client.js';
import { BACKENDS, randomPrefix } from './matrix.js';

const server = inject('postgres');
const serverRow = BACKENDS.find((row) => row.name === 'pg (server)')!;

/** A binding whose every statement fails with SQLSTATE `state` (a deadlock, a serialization failure). */
function failingClient(state: string): SqlClient & { attempts: number } {
  const client = {
    name: 'pg',
    location: 'postgres://failing:1/db',
    attempts: 0,
    async query(text: string) {
      if (/\.layout WHERE/.test(text)) return [{ version: SCHEMA_VERSION }]; // the schema is there
      client.attempts++;
      throw Object.assign(new Error(`simulated failure ${state}`), { code: state });
    },
    async exec() {},
    async close() {},
  };
  return client;
}

describe('deadlocks and serialization failures', () => {
  it('a real deadlock against another session is retried, and the save lands', async () => {
    let counting: CountingClient | undefined;
    const storage = await serverRow.openOver((inner) => {
      counting = countingClient(inner);
      return counting;
    });
    const rival = new pg.Client({
      connectionString: server.url.replace(/\/postgres$/, '/cs_test'),
    });
    await rival.connect();
    try {
      const [a, b] = ['dl-a', 'dl-b'];
      const first = dialog(a, 1);
      const second = dialog(b, 1);
      await storage.setItems([
        [a, first],
        [b, second],
      ]);
      const key = (id: string) => [storage.prefix, Buffer.from(id)];
      const lock =
        'SELECT 1 FROM context_storage.contexts WHERE prefix = $1 AND id = $2 FOR UPDATE';
      // The rival holds b, the batch takes a then waits for b, the rival then asks for a: a cycle.
      // The rival waits 10 s before checking for deadlocks, the batch 1 s: the batch is the victim.
      await rival.query('BEGIN');
      await rival.query(`SET LOCAL deadlock_timeout = '10s'`);
      await rival.query(lock, key(b));
      counting!.sent.length = 0;
      first.addTurn({ request: 'after the deadlock' });
      second.addTurn({ request: 'after the deadlock' });
      const saving = storage.setItems([
        [a, first],
        [b, second],
      ]);
      for (let attempt = 0; attempt < 200; attempt++) {
        const { rows } = await rival.query(
          `SELECT 1 FROM pg_stat_activity WHERE usename = 'cs_owner' AND wait_event_type = 'Lock'`,
        );
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const rivalLock = rival.query(lock, key(a)); // the deadlock: the batch is cancelled with 40P01
      await rivalLock;
      await rival.query('COMMIT');
      await saving;
      expect(counting!.sent.filter((text) => /write_contexts/.test(text))).toHaveLength(2);
      const [loadedA, loadedB] = await storage.getItems([a, b], { latest: 'all' });
      expect(loadedA?.requests.get(2)).toBe('after the deadlock');
      expect(loadedB?.requests.get(2)).toBe('after the deadlock');
    } finally {
      await rival.end();
      await storage.close();
    }
  });

  it('a save that keeps deadlocking gives up with CONFLICT after 5 retries, a read with CONNECTION', async () => {
    const deadlocking = failingClient('40P01');
    const storage = new PostgresContextStorage({ client: deadlocking }, { prefix: randomPrefix() });
    const id = randomId();
    const error = await storage.setItem(id, dialog(id, 1)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CONFLICT', id });
    expect(String((error as Error).message)).toMatch(
      /deadlock or serialization failure after 5 retries/,
    );
    expect(deadlocking.attempts).toBe(6);

    const serializing = failingClient('40001');
    const reader = new PostgresContextStorage({ client: serializing }, { prefix: randomPrefix() });
    await expect(reader.len()).rejects.toMatchObject({ code: 'CONNECTION' });
    expect(serializing.attempts).toBe(6);

    const other = failingClient('23505');
    const once = new PostgresContextStorage({ client: other }, { prefix: randomPrefix() });
    await expect(once.getItem(id)).rejects.toMatchObject({ code: 'CONNECTION' });
    expect(other.attempts).toBe(1); // anything else is not retried
  });
});
