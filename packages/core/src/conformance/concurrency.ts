import assert from 'node:assert/strict';
import { Context } from '../context.js';
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
    assert.equal(
      (error as unknown as { expectedVersion: number }).expectedVersion,
      1,
      'the conflict must report the version the stale context was loaded at',
    );
    assert.equal(second.version, 1, 'a rejected context keeps its version');

    const stored = await loadFull(storage, id);
    assert.equal(stored.version, 2);
    assert.equal(stored.requests.get(3), 'from first');
    assert.deepEqual(stored.misc, { owner: 'first' });
    assert.deepEqual(stored.labels.get(1), ['flow', 'node1']);
  });

  test('a save that only deletes turns bumps the version: a stale save after it is a conflict', async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 3);
    const [deleter, stale] = [await storage.getItem(id), await storage.getItem(id)];
    assert.ok(deleter && stale);
    deleter.requests.delete(2); // nothing set, misc and frameworkData unchanged
    await storage.setItem(id, deleter);

    stale.requests.set(2, 'kept by a stale writer');
    await rejectsWith(
      storage.setItem(id, stale),
      'CONFLICT',
      'a stale save after a save that only deleted requests[2]',
    );
    const stored = await loadFull(storage, id);
    assert.equal(
      stored.requests.has(2),
      false,
      'requests[2] was deleted, yet a stale save brought it back (a lost delete)',
    );
    assert.equal(stored.version, 2, 'a save that only deletes a turn must bump the version');
    assert.equal(deleter.version, 2, 'the deleting context must learn its new version');
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

  test(
    'a context saved through another storage of the same location keeps its version check',
    async ({ open, hooks }) => {
      const storage = await open();
      const twin = await hooks.reopen!(storage);
      assert.equal(twin.location, storage.location);
      const id = randomId();
      await saveDialog(storage, id, 1);
      const stale = await storage.getItem(id);
      await twin.update(id, (context) => void context.addTurn({ request: 'from the twin' }));
      stale!.addTurn({ request: 'stale' });
      await rejectsWith(twin.setItem(id, stale!), 'CONFLICT');
      const fresh = await twin.getItem(id);
      fresh!.addTurn({ request: 'incremental through the twin' });
      await storage.setItem(id, fresh!);
      const stored = await loadFull(storage, id);
      assert.deepEqual(
        stored.requests
          .entries()
          .slice(1)
          .map(([, request]) => request),
        ['from the twin', 'incremental through the twin'],
      );
    },
    ['hook:reopen'],
  );

  test('a stale writer cannot merge into a context deleted and created anew', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 1, { user: 'alice' });
    const stale = await storage.getItem(id);
    await storage.delItem(id);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later creation time
    await saveDialog(storage, id, 1, { user: 'bob' }); // version 1 again
    stale!.addTurn({ request: 'alice, late' });
    await rejectsWith(storage.setItem(id, stale!), 'CONFLICT');
    const stored = await loadFull(storage, id);
    assert.deepEqual(stored.misc, { user: 'bob' });
    assert.deepEqual(stored.requests.keys(), [1]);
  });

  test('changes made while a save is in flight are saved by the next save', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = await saveDialog(storage, id, 2);
    context.addTurn({ request: 'three' });
    context.responses.set(1, 'changed before the save');
    const first = storage.setItem(id, context); // captures the context as it is now
    context.requests.delete(1);
    context.labels.set(2, 'edited during the save');
    context.responses.set(1, { text: 'response 1' }); // back to what was stored before
    await first;
    assert.equal((await loadFull(storage, id)).requests.has(1), true, 'saved before the delete');
    context.addTurn({ request: 'four' });
    const second = storage.setItem(id, context);
    const third = storage.setItem(id, context); // not awaited either: saves of one object queue
    await second;
    context.addTurn({ request: 'five' });
    const fourth = storage.setItem(id, context); // queues behind the third, still in flight
    await Promise.all([third, fourth]);
    const stored = await loadFull(storage, id);
    assert.deepEqual(stored.requests.keys(), [2, 3, 4, 5]);
    assert.equal(stored.labels.get(2), 'edited during the save');
    assert.deepEqual(
      stored.responses.get(1),
      { text: 'response 1' },
      'responses[1], set back to its stored value while a save of another value was in flight, was not saved',
    );
    assert.equal(stored.currentTurnId, 5);
    assert.equal(context.version, stored.version);
  });

  test('a new context is saved as it was when setItem was called', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = new Context(id, { misc: { step: 1 } });
    const saving = storage.setItem(id, context);
    context.misc.step = 2; // after the call: left for the next save
    await saving;
    assert.deepEqual(
      (await loadFull(storage, id)).misc,
      { step: 1 },
      'a change made after setItem was called went into that save',
    );
    await storage.setItem(id, context);
    assert.deepEqual((await loadFull(storage, id)).misc, { step: 2 });
  });

  test('a batch with one stale context saves the others and reports the stale one', async ({
    open,
  }) => {
    const storage = await open();
    const [staleId, okId, newId] = [randomId('stale'), randomId('ok'), randomId('new')];
    await saveDialog(storage, staleId, 1);
    await saveDialog(storage, okId, 1);
    const [stale, ok] = (await storage.getItems([staleId, okId])) as Context[];
    await storage.update(staleId, (context) => void context.addTurn({ request: 'rival' }));
    stale!.addTurn({ request: 'lost cause' });
    ok!.addTurn({ request: 'kept' });
    const fresh = new Context(newId, { misc: { fresh: true } });
    const error = await rejectsWith(
      storage.setItems([
        [staleId, stale!],
        [okId, ok!],
        [newId, fresh],
      ]),
      'CONFLICT',
    );
    assert.equal((error as unknown as { id: string }).id, staleId);
    assert.equal(stale!.version, 1, 'the rejected context was not marked saved');
    assert.equal(ok!.version, 2);
    assert.equal(fresh.version, 1);
    assert.equal((await loadFull(storage, okId)).requests.get(2), 'kept');
    assert.deepEqual((await loadFull(storage, newId)).misc, { fresh: true });
    assert.equal((await loadFull(storage, staleId)).requests.get(2), 'rival');
    ok!.addTurn({ request: 'and again' }); // the saved one goes on incrementally
    await storage.setItem(okId, ok!);
    assert.equal((await loadFull(storage, okId)).requests.get(3), 'and again');
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
    const failure = new Error('change failed');
    await assert.rejects(
      storage.update(id, (context) => {
        context.addTurn({ request: 'never saved' });
        throw failure;
      }),
      (error) => {
        assert.equal(error, failure, 'update must reject with the error the change threw, as is');
        return true;
      },
    );
    const stored = await loadFull(storage, id);
    assert.equal(stored.version, 1);
    assert.deepEqual(stored.requests.keys(), [1]);
    const noRetry = await storage.update(id, (context) => void context.addTurn(), { retries: 0 });
    assert.equal(noRetry.version, 2, 'update with retries: 0 saves when nothing conflicts');
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
