import assert from 'node:assert/strict';
import type { Context } from '../context.js';
import type { DBContextStorage } from '../storage.js';
import { loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** Runs `writers` concurrent updates, each adding one turn tagged with its writer number. */
async function addTurnsConcurrently(
  storages: readonly DBContextStorage[],
  id: string,
  writers: number,
): Promise<void> {
  await Promise.all(
    Array.from({ length: writers }, (_, writer) =>
      storages[writer % storages.length]!.update(id, async (context) => {
        // Yield between load and save so that writers really interleave.
        await new Promise((resolve) => setImmediate(resolve));
        context.addTurn({ request: `writer ${writer}` });
        context.misc[`writer${writer}`] = true;
      }),
    ),
  );
}

function assertEveryWriter(context: Context, writers: number, turnsBefore: number): void {
  const requests = context.requests
    .entries()
    .filter(([turnId]) => turnId > turnsBefore)
    .map(([, request]) => request)
    .sort();
  const expected = Array.from({ length: writers }, (_, writer) => `writer ${writer}`).sort();
  assert.deepEqual(requests, expected, 'a concurrent writer lost its turn');
  assert.equal(context.currentTurnId, turnsBefore + writers);
  for (let writer = 0; writer < writers; writer++) {
    assert.equal(context.misc[`writer${writer}`], true, `writer ${writer} lost its misc change`);
  }
}

/** Version checks: stale saves are rejected whole, and `update` loses nothing under contention. */
export const concurrency: TestGroup = ({ test }) => {
  test('a stale save is rejected with CONFLICT and writes nothing', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 2, { owner: 'first' });
    const [first, second] = [await storage.getItem(id), await storage.getItem(id)];
    assert.ok(first && second);
    first.addTurn({ request: 'from first' });
    await storage.setItem(id, first);

    second.addTurn({ request: 'from second' });
    second.misc.owner = 'second';
    second.labels.set(1, 'overwritten by second');
    const error = await rejectsWith(storage.setItem(id, second), 'CONFLICT');
    assert.equal((error as unknown as { actualVersion: number }).actualVersion, 2);
    assert.equal(second.version, 1, 'a rejected context keeps its version');

    const stored = await loadFull(storage, id);
    assert.equal(stored.version, 2);
    assert.equal(stored.requests.get(3), 'from first');
    assert.deepEqual(stored.misc, { owner: 'first' });
    assert.deepEqual(stored.labels.get(1), ['flow', 'node1']);
  });

  test('saving a loaded context whose id was deleted meanwhile is a conflict', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 1);
    const loaded = await storage.getItem(id);
    assert.ok(loaded);
    await storage.delItem(id);
    loaded.addTurn({ request: 'late' });
    await rejectsWith(storage.setItem(id, loaded), 'CONFLICT');
    assert.equal(await storage.contains(id), false);
  });

  test('concurrent updates of one context lose no turn', async ({ open, options }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 1);
    await addTurnsConcurrently([storage], id, options.concurrentWriters);
    assertEveryWriter(await loadFull(storage, id), options.concurrentWriters, 1);
  });

  test('concurrent updates creating one new context lose no turn', async ({ open, options }) => {
    const storage = await open();
    const id = randomId();
    await addTurnsConcurrently([storage], id, options.concurrentWriters);
    assertEveryWriter(await loadFull(storage, id), options.concurrentWriters, 0);
  });

  test(
    'concurrent updates through two storage instances lose no turn',
    async ({ open, hooks, options }) => {
      const storage = await open();
      const twin = await hooks.reopen!(storage);
      const id = randomId();
      await saveDialog(storage, id, 1);
      await addTurnsConcurrently([storage, twin], id, options.concurrentWriters);
      assertEveryWriter(await loadFull(twin, id), options.concurrentWriters, 1);
    },
    ['crossInstanceCompareAndSet', 'hook:reopen'],
  );

  test('update resolves the saved context; a throwing change writes nothing', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const created = await storage.update(id, (context) => {
      context.addTurn({ request: 'hello' });
    });
    assert.equal(created.version, 1);
    assert.equal(created.requests.get(1), 'hello');
    await assert.rejects(
      storage.update(id, (context) => {
        context.addTurn({ request: 'never saved' });
        throw new Error('change failed');
      }),
      /change failed/,
    );
    const stored = await loadFull(storage, id);
    assert.equal(stored.version, 1);
    assert.deepEqual(stored.requests.keys(), [1]);
  });

  test('update gives up with CONFLICT after its retries', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 1);
    let attempts = 0;
    const error = await rejectsWith(
      storage.update(
        id,
        async (context) => {
          attempts++;
          // Another writer always gets in between this load and its save.
          const rival = await storage.getItem(id);
          rival!.misc.rival = attempts;
          await storage.setItem(id, rival!);
          context.misc.mine = attempts;
        },
        { retries: 2 },
      ),
      'CONFLICT',
    );
    assert.equal(attempts, 3);
    assert.equal((error as unknown as { id: string }).id, id);
    assert.equal((await loadFull(storage, id)).misc.mine, undefined);
  });
};
