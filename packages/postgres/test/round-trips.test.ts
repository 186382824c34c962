import { dialog, randomId } from '@context-storage/core/conformance';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_SCHEMA, loadQuery } from '../src/index.js';
import { type CountingClient, countingClient } from './counting-client.js';
import { BACKENDS } from './matrix.js';

const servers = inject('postgresTest');

// What one load and one save send, at turn 10 and at turn 2,000: exactly one statement each,
// counted on the client (a counting wrapper of the query interface) on every row, and on the
// server too (pg_stat_statements, top-level statements of the test database) for the real one.
for (const row of BACKENDS) {
  describe(row.name, () => {
    it.each([10, 2_000])('a load and a save at turn %i are one statement each', async (turns) => {
      let counting: CountingClient | undefined;
      const storage = await row.openOver((inner) => {
        counting = countingClient(inner);
        return counting;
      });
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, turns));
        const sent = counting!.sent;
        sent.length = 0;
        const context = await storage.getItem(id);
        expect(sent).toHaveLength(1);
        expect(context?.requests.keys()).toEqual([turns - 2, turns - 1, turns]);

        sent.length = 0;
        context!.addTurn({ request: 'next', response: 'reply' });
        await storage.setItem(id, context!);
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatch(/write_contexts/);
      } finally {
        await storage.close();
      }
    });

    it('a batch of 50 contexts is one statement to load and one to save', async () => {
      let counting: CountingClient | undefined;
      const storage = await row.openOver((inner) => {
        counting = countingClient(inner);
        return counting;
      });
      try {
        const ids = Array.from({ length: 50 }, () => randomId());
        await storage.setItems(ids.map((id) => [id, dialog(id, 3)] as const));
        counting!.sent.length = 0;
        const loaded = await storage.getItems(ids);
        expect(counting!.sent).toHaveLength(1);
        for (const context of loaded) context!.addTurn({ request: 'more' });
        await storage.setItems(ids.map((id, index) => [id, loaded[index]!] as const));
        await storage.delItems(ids.slice(0, 10));
        expect(await storage.len()).toBe(40);
        expect(counting!.sent).toHaveLength(4);
      } finally {
        await storage.close();
      }
    });
  });
}

describe('pg (server), counted by the server', () => {
  const admin = new pg.Pool({
    connectionString: inject('postgres').url.replace(/\/postgres$/, '/cs_test'),
    max: 1,
  });
  afterAll(() => admin.end());

  /** Top-level statements of role cs_owner in cs_test since the last reset, but ours. */
  async function serverStatements(): Promise<{ query: string; calls: number }[]> {
    const { rows } = await admin.query(
      `SELECT s.query, s.calls::integer AS calls FROM pg_stat_statements s
       JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid
       WHERE r.rolname = 'cs_owner' AND d.datname = 'cs_test' AND s.query NOT LIKE '%pg_stat_statements%'`,
    );
    return rows;
  }

  it.each([10, 2_000])(
    'pg_stat_statements sees one statement per load and per save at turn %i',
    async (turns) => {
      await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const row = BACKENDS.find((candidate) => candidate.name === 'pg (server)')!;
      const storage = await row.open();
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, turns));
        await admin.query('SELECT pg_stat_statements_reset()');
        const context = await storage.getItem(id);
        const afterLoad = await serverStatements();
        context!.addTurn({ request: 'next' });
        await storage.setItem(id, context!);
        const afterSave = await serverStatements();
        expect(afterLoad.map((entry) => entry.calls)).toEqual([1]);
        expect(afterLoad[0]!.query).toMatch(/load_contexts/);
        const save = afterSave.filter((entry) => /write_contexts/.test(entry.query));
        expect(save.map((entry) => entry.calls)).toEqual([1]);
        expect(afterSave.reduce((sum, entry) => sum + entry.calls, 0)).toBe(2);
      } finally {
        await storage.close();
      }
    },
  );

  it('a load at turn 2,000 reads the window from the index, not the history', async () => {
    const row = BACKENDS.find((candidate) => candidate.name === 'pg (server)')!;
    const storage = await row.open({ latest: 3 });
    const owner = new pg.Pool({ connectionString: servers.ownerUrl, max: 1 });
    try {
      const id = randomId();
      await storage.setItem(id, dialog(id, 2_000));
      // The query inside load_contexts, planned as the function plans it after a few calls: a
      // generic plan, which knows neither the ids nor the windows.
      const text = loadQuery(DEFAULT_SCHEMA, '$1', '$2::text[]', '$3::bigint[]');
      const ids = `{${Buffer.from(id).toString('hex')}}`;
      const session = await owner.connect();
      let rows: unknown[];
      try {
        // A table of a few rows (this test's contexts) is cheapest to scan whole; with scans
        // priced out, a Seq Scan left in the plan means a lookup no index can serve.
        await session.query(`SET enable_seqscan = off`);
        await session.query(`SET plan_cache_mode = force_generic_plan`);
        await session.query(`PREPARE load_window (text, text[], bigint[]) AS ${text}`);
        ({ rows } = await session.query(
          `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE load_window ('${storage.prefix}', '${ids}', '{3,3,3}')`,
        ));
      } finally {
        session.release(true);
      }
      const plans: {
        'Relation Name'?: string;
        'Node Type': string;
        'Actual Rows': number;
        'Actual Loops': number;
        Plans?: unknown[];
      }[] = [];
      const walk = (node: (typeof plans)[number]) => {
        plans.push(node);
        for (const child of node.Plans ?? []) walk(child as (typeof plans)[number]);
      };
      walk(
        (rows[0] as { 'QUERY PLAN': { Plan: (typeof plans)[number] }[] })['QUERY PLAN'][0]!.Plan,
      );
      const itemScans = plans.filter((node) => node['Relation Name'] === 'turn_items');
      expect(itemScans.map((node) => node['Node Type'])).toEqual(['Index Scan']);
      const itemRowsRead = itemScans.reduce(
        (sum, node) => sum + node['Actual Rows'] * node['Actual Loops'],
        0,
      );
      expect(itemRowsRead).toBe(9); // 3 fields x 3 turns, of 6,000 stored items
      const seqScans = plans.filter((node) => node['Node Type'] === 'Seq Scan');
      expect(seqScans.map((node) => node['Relation Name'])).toEqual([]);
    } finally {
      await storage.close();
      await owner.end();
    }
  });
});
