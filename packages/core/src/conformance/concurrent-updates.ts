import assert from 'node:assert/strict';
import type { Context } from '../context.js';
import type { DBContextStorage } from '../storage.js';
import { found, loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
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
  const after = `after ${writers} concurrent update() calls each adding a turn`;
  assert.deepEqual(requests, expected, `${after}, every writer's turn is stored`);
  assert.equal(
    context.currentTurnId,
    turnsBefore + writers,
    `${after}, currentTurnId is ${turnsBefore + writers}`,
  );
  for (let writer = 0; writer < writers; writer++) {
    assert.equal(
      context.misc[`writer${writer}`],
      true,
      `${after}, misc.writer${writer} of writer ${writer} is stored`,
    );
  }
}

/** `update` under contention loses nothing; its retries, its result and a throwing change. */
export const concurrentUpdates: TestGroup = ({ test }) => {
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
    assert.equal(created.version, 1, 'update() of a new id resolves a context at version 1');
    assert.equal(created.requests.get(1), 'hello', 'update() resolves the context it saved');
    const failure = new Error('change failed');
    await assert.rejects(
      storage.update(id, (context) => {
        context.addTurn({ request: 'never saved' });
        throw failure;
      }),
      (error) => {
        assert.equal(error, failure, 'update() rejects with the error the change threw, as is');
        return true;
      },
      'update() whose change throws rejects',
    );
    const stored = await loadFull(storage, id);
    const after = 'after update() whose change threw';
    assert.equal(stored.version, 1, `${after}, getItem('${id}') returns version 1`);
    assert.deepEqual(stored.requests.keys(), [1], `${after}, the change's turn is not stored`);
    const noRetry = await storage.update(id, (context) => void context.addTurn(), { retries: 0 });
    assert.equal(noRetry.version, 2, 'update() with retries: 0 saves when nothing conflicts');
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
          const rival = found(await storage.getItem(id), `the rival's getItem('${id}')`);
          rival.misc.rival = attempts;
          await storage.setItem(id, rival);
          context.misc.mine = attempts;
        },
        { retries: 2 },
      ),
      'CONFLICT',
      'update() with retries: 2 whose every save meets a rival save',
    );
    assert.equal(attempts, 3, 'update() with retries: 2 runs the change 3 times');
    assert.equal(
      (error as unknown as { id: string }).id,
      id,
      `the CONFLICT of update() names the id '${id}'`,
    );
    assert.equal(
      (await loadFull(storage, id)).misc.mine,
      undefined,
      'after update() gave up with CONFLICT, none of its changes is stored',
    );
  });
};
