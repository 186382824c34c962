import { collect, dialog, randomId } from '@context-storage/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA } from '../src/index.js';
import { BACKENDS, randomPrefix } from './matrix.js';

for (const row of BACKENDS) {
  describe(`${row.name}: clear() and len() stay inside their prefix`, () => {
    const other = `other_app_${randomId('s').slice(2).replace(/-/g, '_')}`;
    beforeAll(async () => {
      const raw = await row.raw();
      // Another application's tables: one with our table's name in its own schema, one in public
      // with the same columns.
      await raw.query(`CREATE SCHEMA ${other}`);
      await raw.query(`CREATE TABLE ${other}.contexts (prefix text, id bytea, version bigint)`);
      await raw.query(`CREATE TABLE ${other}.turn_items AS SELECT * FROM ${other}.contexts`);
      await raw.query(`INSERT INTO ${other}.contexts VALUES ('p%', 'x', 1), ('', 'y', 2)`);
      await raw.query(`INSERT INTO ${other}.turn_items VALUES ('p%', 'x', 1)`);
    });
    afterAll(async () => {
      await (await row.raw()).query(`DROP SCHEMA ${other} CASCADE`);
    });

    it('other prefixes (even LIKE-looking ones) and other tables are untouched', async () => {
      const base = randomPrefix();
      // '%' and '_' would match everything under LIKE; the prefix is compared by equality.
      const [pattern, victim, neighbour] = await Promise.all([
        row.open({ prefix: `${base}%` }),
        row.open({ prefix: `${base}1` }),
        row.open({ prefix: `${base}_` }),
      ]);
      try {
        for (const storage of [pattern, victim, neighbour]) {
          for (let n = 0; n < 3; n++) {
            const id = randomId();
            await storage.setItem(id, dialog(id, 2));
          }
        }
        expect(await pattern.len()).toBe(3);
        await pattern.clear();
        expect(await pattern.len()).toBe(0);
        expect(await victim.len()).toBe(3);
        expect(await neighbour.len()).toBe(3);
        expect(await collect(victim.ids())).toHaveLength(3);
        const raw = await row.raw();
        const counts = await raw.query(
          `SELECT (SELECT count(*)::int FROM ${other}.contexts) AS contexts,
                  (SELECT count(*)::int FROM ${other}.turn_items) AS items,
                  (SELECT count(*)::int FROM ${DEFAULT_SCHEMA}.turn_items WHERE prefix = $1) AS victim_items`,
          [`${base}1`],
        );
        expect(counts[0]).toEqual({ contexts: 2, items: 1, victim_items: 18 });
      } finally {
        await Promise.all([pattern.close(), victim.close(), neighbour.close()]);
      }
    });
  });
}
