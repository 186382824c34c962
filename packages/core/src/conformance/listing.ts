import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, randomId, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** `ids()`: paged listing of a storage's own ids, over thousands of contexts. */
export const listing: TestGroup = ({ test }) => {
  test(
    'ids() of an empty storage yields nothing',
    async ({ open }) => {
      const storage = await open();
      assert.deepEqual(await collect(storage.ids()), []);
    },
    ['listIds'],
  );

  test(
    'ids() pages over thousands of contexts, each at least once, none foreign',
    async ({ open, options }) => {
      const [storage, foreign] = [await open(), await open()];
      await saveDialog(foreign, randomId('foreign'), 1);
      const ids = Array.from({ length: options.manyContexts }, (_, i) => `${i}:${randomId()}`);
      for (let start = 0; start < ids.length; start += 500) {
        const chunk = ids.slice(start, start + 500);
        await storage.setItems(
          chunk.map((id) => [id, new Context(id, { misc: { n: id } })] as const),
        );
      }
      assert.equal(await storage.len(), ids.length);
      const listed = await collect(storage.ids({ pageSize: 100 }));
      const distinct = new Set(listed);
      assert.equal(distinct.size, ids.length, 'ids() missed or invented ids');
      for (const id of ids) assert.ok(distinct.has(id), `ids() missed ${id}`);
      assert.ok(listed.length <= ids.length * 2, 'ids() repeated far too many ids');
    },
    ['listIds'],
  );

  test(
    'ids() can stop early and start over',
    async ({ open }) => {
      const storage = await open();
      for (let i = 0; i < 30; i++) await saveDialog(storage, randomId(), 1);
      const firstFive: string[] = [];
      for await (const id of storage.ids({ pageSize: 10 })) {
        firstFive.push(id);
        if (firstFive.length === 5) break;
      }
      assert.equal(firstFive.length, 5);
      assert.equal(new Set(await collect(storage.ids({ pageSize: 7 }))).size, 30);
    },
    ['listIds'],
  );
};
