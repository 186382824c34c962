import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, randomId, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** The first `limit` items of an async iterable: a listing that loops stops the test, not the run. */
async function collectAtMost<T>(iterable: AsyncIterable<T>, limit: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

/** `ids()`: paged listing of a storage's own ids, over thousands of contexts. */
export const listing: TestGroup = ({ test }) => {
  test(
    'ids() of an empty storage yields nothing',
    async ({ open }) => {
      const storage = await open();
      assert.deepEqual(await collect(storage.ids()), [], 'ids() of a new storage yields nothing');
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
      assert.equal(
        await storage.len(),
        ids.length,
        `after setItems of ${ids.length} contexts, len() is ${ids.length}`,
      );
      const listed = await collect(storage.ids({ pageSize: 100 }));
      const distinct = new Set(listed);
      assert.equal(
        distinct.size,
        ids.length,
        `ids({ pageSize: 100 }) over ${ids.length} stored ids yields ${ids.length} distinct ids`,
      );
      for (const id of ids) assert.ok(distinct.has(id), `ids({ pageSize: 100 }) missed ${id}`);
      assert.ok(
        listed.length <= ids.length * 2,
        `ids({ pageSize: 100 }) yielded ${listed.length} ids for ${ids.length}: far too many repeats`,
      );
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
      assert.equal(firstFive.length, 5, 'a for await over ids() stopped by break yields 5 ids');
      for (const pageSize of [0, 1, 7, 29, 30, 31]) {
        const listed = await collectAtMost(storage.ids({ pageSize }), 90);
        assert.equal(
          new Set(listed).size,
          30,
          `ids({ pageSize: ${pageSize} }) listed ${listed.length} ids, ${new Set(listed).size} distinct, of 30`,
        );
      }
    },
    ['listIds'],
  );

  test(
    'ids() fetches page by page: a page asked for after close() rejects with CLOSED',
    async ({ open }) => {
      const storage = await open();
      const ids = Array.from({ length: 200 }, () => randomId());
      await storage.setItems(ids.map((id) => [id, new Context(id)] as const));
      const listing = storage.ids({ pageSize: 10 })[Symbol.asyncIterator]();
      assert.equal(
        (await listing.next()).done,
        false,
        'the first next() of ids() over 200 stored ids yields an id',
      );
      await storage.close();
      let listed = 1;
      let failure: unknown;
      try {
        while (!(await listing.next()).done) listed++;
      } catch (error) {
        failure = error;
      }
      assert.ok(
        failure !== undefined,
        `after close(), ids({ pageSize: 10 }) still listed all ${listed} ids: it fetched them at once`,
      );
      assert.equal(
        (failure as { code?: unknown }).code,
        'CLOSED',
        `after close(), the next page of ids() rejects with CLOSED, not ${String(failure)}`,
      );
      assert.ok(
        listed < ids.length,
        `after close(), ids() listed ${listed} of ${ids.length} ids: fewer, page by page`,
      );
    },
    ['listIds'],
  );

  test(
    'ids() lists every id kept while others are deleted during the listing',
    async ({ open }) => {
      const storage = await open();
      const ids = Array.from(
        { length: 24 },
        (_, i) => `${String(i).padStart(2, '0')}-${randomId()}`,
      );
      await storage.setItems(ids.map((id) => [id, new Context(id)] as const));
      const kept = new Set(ids.filter((_, index) => index % 2 === 1));
      const listed = new Set<string>();
      // A cleanup job: deletes what it does not keep, as it lists.
      for await (const id of storage.ids({ pageSize: 4 })) {
        listed.add(id);
        if (!kept.has(id)) await storage.delItem(id);
      }
      for (const id of kept) {
        assert.ok(
          listed.has(id),
          `ids() skipped ${id}, stored all along, as other ids were deleted`,
        );
      }
      assert.equal(
        await storage.len(),
        kept.size,
        `after delItem of every other id during ids(), len() is ${kept.size}`,
      );
    },
    ['listIds'],
  );
};
