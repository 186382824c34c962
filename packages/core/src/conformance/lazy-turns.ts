import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { found, loadFull, randomId, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/**
 * Lazy turns: what a live context knows without asking the backend (loaded items, gaps inside
 * its windows, everything after `'all'` or a whole save), and how fetched items merge with its
 * own unsaved changes.
 */
export const lazyTurns: TestGroup = ({ test }) => {
  test(
    'turns known from a load or a save are answered without the backend',
    async ({ open, hooks }) => {
      const storage = await open();
      const [id, created, updated] = [randomId(), randomId('created'), randomId('updated')];
      await saveDialog(storage, id, 6);
      const gap = found(await storage.getItem(id, { latest: 'all' }), `getItem('${id}')`);
      gap.requests.delete(5);
      await storage.setItem(id, gap);
      const windowed = await storage.getItem(id, { latest: 3 }); // turns 4 to 6, a gap at 5
      const all = await storage.getItem(id, { latest: 'all' });
      const fresh = new Context(created);
      fresh.addTurn({ request: 'only turn' });
      await storage.setItem(created, fresh); // a whole save: the store holds what fresh holds
      const made = await storage.update(updated, (context) => void context.addTurn({ label: 'x' }));
      assert.ok(windowed && all, `getItem('${id}') with latest: 3 and latest: 'all' finds it`);

      const restore = await hooks.makeUnavailable!(storage);
      try {
        const known = async (what: string, call: () => Promise<unknown>): Promise<unknown> => {
          try {
            return await call();
          } catch (error) {
            assert.fail(
              `${what} asked the backend, though the context knows the answer: ${String(error)}`,
            );
          }
        };
        assert.equal(
          await known('fetch(5) of a gap inside the window', () => windowed.requests.fetch(5)),
          undefined,
          'requests.fetch(5) of a gap inside the loaded window returns undefined',
        );
        assert.deepEqual(
          await known('fetch(6), loaded', () => windowed.requests.fetch(6)),
          { text: `request 6 of ${id}` },
          'requests.fetch(6) of a loaded item returns it',
        );
        const many = await known('fetchMany([4, 5, 6])', () =>
          windowed.requests.fetchMany([4, 5, 6]),
        );
        assert.deepEqual(
          [...(many as Map<number, unknown>).keys()],
          [4, 6],
          'requests.fetchMany([4, 5, 6]) over a gap at 5 returns turns 4 and 6',
        );
        const turns = await known('fetchTurns([4, 6])', () => windowed.fetchTurns([6, 4]));
        assert.deepEqual(
          (turns as { turnId: number }[]).map((turn) => turn.turnId),
          [4, 6],
          'fetchTurns([6, 4]) returns turns 4 and 6, in order',
        );
        assert.equal(
          await known("fetch(99) after latest: 'all'", () => all.requests.fetch(99)),
          undefined,
          "requests.fetch(99) after getItem with latest: 'all' returns undefined",
        );
        const every = await known("fetchAll() after latest: 'all'", () => all.labels.fetchAll());
        assert.equal(
          (every as Map<number, unknown>).size,
          6,
          "labels.fetchAll() after getItem with latest: 'all' returns the 6 labels",
        );
        await known("loadAll() after latest: 'all'", () => all.loadAll());
        assert.equal(
          await known('fetch(2) after a whole save', () => fresh.requests.fetch(2)),
          undefined,
          'requests.fetch(2) of a new context after its setItem returns undefined',
        );
        await known('fetchAll() after a whole save', () => fresh.responses.fetchAll());
        assert.equal(
          await known('fetch(2) of a context update created', () => made.labels.fetch(2)),
          undefined,
          'labels.fetch(2) of a context update() created returns undefined',
        );
      } finally {
        await restore();
      }
    },
    ['hook:makeUnavailable'],
  );

  test('a context never saved fetches nothing, without error', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = new Context(id);
    context.addTurn({ request: 'hi' });
    assert.equal(
      await context.requests.fetch(4),
      undefined,
      'requests.fetch(4) of a context never saved returns undefined',
    );
    assert.deepEqual(
      await context.fetchTurns([2, 1]),
      [{ turnId: 1, request: 'hi' }],
      'fetchTurns([2, 1]) of a context never saved returns its one turn',
    );
    assert.deepEqual(
      [...(await context.labels.fetchAll()).keys()],
      [],
      'labels.fetchAll() of a context never saved with no label returns nothing',
    );
    await context.loadAll();
    await storage.setItem(id, context);
    assert.deepEqual(
      (await loadFull(storage, id)).requests.keys(),
      [1],
      'after loadAll() and setItem of a context never saved, getItem holds its one turn',
    );
  });

  test("fetched turns show what is stored, except the context's own unsaved changes", async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 6);
    const mine = await storage.getItem(id, { latest: 1 });
    assert.ok(mine, `getItem('${id}') after setItem finds it`);
    mine.requests.set(2, 'mine, saved');
    mine.requests.delete(3);
    await storage.setItem(id, mine);
    const theirs = found(await storage.getItem(id, { latest: 'all' }), `getItem('${id}')`);
    theirs.requests.set(2, 'theirs');
    theirs.requests.set(3, 'theirs again');
    await storage.setItem(id, theirs);

    mine.requests.set(4, 'mine, unsaved');
    mine.requests.delete(5);
    const fetched = await mine.requests.fetchAll();
    assert.equal(
      fetched.get(2),
      'theirs',
      'after its setItem, requests.fetchAll() of a context returned its own saved requests[2], not what was stored since',
    );
    assert.equal(
      fetched.get(3),
      'theirs again',
      'after a setItem that saved the deletion of requests[3], requests.fetchAll() no longer returns what was stored since',
    );
    assert.equal(
      fetched.get(4),
      'mine, unsaved',
      'fetchAll() overwrote an unsaved change (requests[4]) with the stored item',
    );
    assert.equal(
      fetched.has(5),
      false,
      'fetchAll() brought back requests[5], deleted but not saved yet',
    );
    assert.deepEqual(
      fetched.get(6),
      { text: `request 6 of ${id}` },
      'requests.fetchAll() returns the stored requests[6] no one changed',
    );
  });
};
