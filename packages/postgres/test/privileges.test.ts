import { readFileSync } from 'node:fs';
import { collect, dialog, randomId } from '@context-storage/core/conformance';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_SCHEMA, PostgresContextStorage, schemaDdl, schemaGrants } from '../src/index.js';
import { randomPrefix, TEST_TIMEOUTS } from './matrix.js';

const servers = inject('postgresTest');
const timeouts = `commandTimeoutMs=${TEST_TIMEOUTS.commandTimeoutMs}&connectTimeoutMs=${TEST_TIMEOUTS.connectTimeoutMs}`;
const schema = `dba_${randomId('s').slice(2).replace(/-/g, '_')}`;
const owner = new pg.Client({ connectionString: servers.ownerUrl });

beforeAll(async () => {
  // What a DBA does once: the DDL of the README as the owner, then the DML grants.
  await owner.connect();
  await owner.query(schemaDdl(schema));
  await owner.query(schemaGrants(schema, 'cs_app'));
});
afterAll(async () => {
  await owner.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await owner.end();
});

describe('a role with DML rights only', () => {
  it('cannot run DDL, and still uses every method on a schema a DBA made', async () => {
    const app = new pg.Client({ connectionString: servers.appUrl });
    await app.connect();
    try {
      await expect(app.query(`CREATE TABLE ${schema}.intruder (n int)`)).rejects.toMatchObject({
        code: '42501',
      });
      await expect(app.query('CREATE SCHEMA intruder')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
    const storage = await PostgresContextStorage.connect(
      `${servers.appUrl}?schema=${schema}&${timeouts}`,
      {
        prefix: randomPrefix(),
        createSchema: false,
      },
    );
    try {
      const [id, other, short] = [randomId(), randomId(), randomId()];
      await storage.setItem(id, dialog(id, 3));
      await storage.update(other, (context) => void context.addTurn({ request: 'hi' }));
      await storage.setItem(short, dialog(short, 1), { ttlMs: 200 });
      const loaded = await storage.getItem(id, { latest: 1 });
      expect(await loaded!.requests.fetch(1)).toEqual({ text: `request 1 of ${id}` });
      loaded!.requests.delete(2);
      await storage.setItem(id, loaded!);
      expect(await storage.len()).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await storage.setItem(other, (await storage.getItem(other))!); // its write sweeps `short`
      expect((await collect(storage.ids())).sort()).toEqual([id, other].sort());
      expect(await storage.delItem(other)).toBe(true);
      await storage.clear();
      expect(await storage.len()).toBe(0);
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM ${schema}.contexts`);
      expect(rows[0].n).toBe(0); // the expired one was swept, not left behind
    } finally {
      await storage.close();
    }
  });

  it('is told to run the DDL when the schema is missing', async () => {
    const missing = `${schema}_missing`;
    const create = PostgresContextStorage.connect(
      `${servers.appUrl}?schema=${missing}&${timeouts}`,
    );
    await expect(create).rejects.toMatchObject({ code: 'CONNECTION' });
    await expect(create).rejects.toThrow(/may not create it; run the DDL of the README/);
    const noCreate = PostgresContextStorage.connect(
      `${servers.appUrl}?schema=${missing}&${timeouts}`,
      {
        createSchema: false,
      },
    );
    await expect(noCreate).rejects.toThrow(/createSchema is false; run the DDL of the README/);
  });

  it('is told what to grant when it may not read the schema', async () => {
    const ungranted = `${schema}_nogrant`;
    await owner.query(schemaDdl(ungranted));
    try {
      await expect(
        PostgresContextStorage.connect(`${servers.appUrl}?schema=${ungranted}&${timeouts}`),
      ).rejects.toThrow(/may not read the schema .* grant it the rights listed in the README/);
    } finally {
      await owner.query(`DROP SCHEMA ${ungranted} CASCADE`);
    }
  });
});

describe('the README', () => {
  it('prints the DDL and the grants the adapter uses, verbatim', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(schemaDdl(DEFAULT_SCHEMA));
    expect(readme).toContain(schemaGrants(DEFAULT_SCHEMA, 'app'));
  });
});
