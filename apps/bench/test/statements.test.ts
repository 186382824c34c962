import { layoutStatements } from '@context-storage/postgres';
import { describe, expect, it } from 'vitest';
import {
  countStatements,
  type StatementMeter,
  type StatementTally,
  statementLabel,
} from '../src/statements.js';
import { countingSqlClient } from '../src/targets/counting-sql-client.js';

const layout = layoutStatements('context_storage');

describe('statementLabel', () => {
  it("names the layout's statements, whatever their spacing, and shortens the others", () => {
    expect(statementLabel(layout.load)).toBe('layout load');
    expect(statementLabel(`  ${layout.write.replace(/ /g, '\n  ')} `)).toBe('layout write');
    expect(statementLabel('SELECT doc\n  FROM t WHERE id = $1')).toBe(
      'SELECT doc FROM t WHERE id = $1',
    );
    const long = statementLabel(`INSERT INTO t (id, doc) VALUES ($1, $2) ${'x'.repeat(80)}`);
    expect(long).toHaveLength(64);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('countingSqlClient', () => {
  it('counts the statements sent while its meter measures, and only then', async () => {
    const sent: string[] = [];
    const inner = {
      name: 'fake',
      location: 'fake://',
      query: async (text: string) => {
        sent.push(text);
        return [];
      },
      exec: async (script: string) => void sent.push(script),
      close: async () => {},
    };
    const { client, meter } = countingSqlClient(inner);
    await client.query(layout.load, []);
    const tally = await meter.measure(async () => {
      await client.query(layout.load, ['a']);
      await client.query(layout.write, ['a']);
      await client.query(layout.write, ['b']);
    });
    await client.exec('CREATE TABLE x (a int)');
    expect(tally).toEqual({ calls: { 'layout load': 1, 'layout write': 2 }, serverMs: null });
    expect(sent).toHaveLength(5);
    expect(meter.source).toBe('SqlClient wrapper');
  });
});

describe('countStatements', () => {
  it('counts loads alone, then turns, and takes a save as their difference', async () => {
    const tallies: StatementTally[] = [
      { calls: { select: 4 }, serverMs: 2 },
      { calls: { select: 8, upsert: 4 }, serverMs: 6 },
    ];
    const meter: StatementMeter = {
      source: 'pg_stat_statements',
      async measure(block) {
        await block();
        return tallies.shift()!;
      },
    };
    const loaded: string[] = [];
    let turns = 0;
    const ids = ['a', 'b', 'c'];
    let next = 0;
    const counted = await countStatements(
      { meter, load: async (id) => loaded.push(id) },
      4,
      () => ids[next++ % ids.length]!,
      async () => {
        turns += 1;
      },
    );
    expect(loaded).toEqual(['a', 'b', 'c', 'a']);
    expect(turns).toBe(4);
    expect(counted).toEqual({
      source: 'pg_stat_statements',
      turns: 4,
      perLoad: 1,
      perSave: 2,
      perTurn: 3,
      statements: { select: 2, upsert: 1 },
      serverMicros: 1500,
    });
  });
});
