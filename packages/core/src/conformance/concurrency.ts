import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { concurrentUpdates } from './concurrent-updates.js';
import { found, loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** Version checks: a stale save is rejected whole, across instances, deletes and batches. */
const versionChecks: TestGroup = ({ test }) => {
  test('a stale save is rejected with CONFLICT and writes nothing', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 2, { owner: 'first' });
    const [first, second] = [await storage.getItem(id), await storage.getItem(id)];
    assert.ok(first && second, `two getItem('${id}') after setItem find it`);
    first.addTurn({ request: 'from first' });
    await storage.setItem(id, first);

    second.addTurn({ request: 'from second' });
    second.misc.owner = 'second';
    second.labels.set(1, 'overwritten by second');
    const error = await rejectsWith(
      storage.setItem(id, second),
      'CONFLICT',
      'setItem of a context loaded at version 1 after another save made version 2',
    );
    assert.equal(
      (error as unknown as { actualVersion: number }).actualVersion,
      2,
      'the CONFLICT of a stale setItem reports actualVersion 2, the stored version',
    );
    assert.equal(
      (error as unknown as { expectedVersion: number }).expectedVersion,
      1,
      'the CONFLICT of a stale setItem reports expectedVersion 1, the version it was loaded at',
    );
    assert.equal(second.version, 1, 'after a rejected setItem, the context keeps version 1');

    const stored = await loadFull(storage, id);
    const after = `after a stale setItem('${id}') was rejected, getItem`;
    assert.equal(stored.version, 2, `${after} returns version 2`);
    assert.equal(stored.requests.get(3), 'from first', `${after} returns the first save's turn`);
    assert.deepEqual(stored.misc, { owner: 'first' }, `${after} returns the first save's misc`);
    assert.deepEqual(
      stored.labels.get(1),
      ['flow', 'node1'],
      `${after} returns labels[1] untouched by the stale save`,
    );
  });

  test('a save that only deletes turns bumps the version: a stale save after it is a conflict', async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 3);
    const [deleter, stale] = [await storage.getItem(id), await storage.getItem(id)];
    assert.ok(deleter && stale, `two getItem('${id}') after setItem find it`);
    deleter.requests.delete(2); // nothing set, misc and frameworkData unchanged
    await storage.setItem(id, deleter);

    stale.requests.set(2, 'kept by a stale writer');
    await rejectsWith(
      storage.setItem(id, stale),
      'CONFLICT',
      'setItem of a stale context after a setItem that only deleted requests[2]',
    );
    const stored = await loadFull(storage, id);
    assert.equal(
      stored.requests.has(2),
      false,
      'after a setItem deleting requests[2], a stale setItem brought it back (a lost delete)',
    );
    assert.equal(stored.version, 2, 'a setItem that only deletes a turn makes version 2');
    assert.equal(
      deleter.version,
      2,
      'after a setItem that only deletes a turn, the context knows its version is 2',
    );
  });

  test('saving a loaded context whose id was deleted meanwhile is a conflict', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 1);
    const loaded = await storage.getItem(id);
    assert.ok(loaded, `getItem('${id}') after setItem finds it`);
    await storage.delItem(id);
    loaded.addTurn({ request: 'late' });
    await rejectsWith(
      storage.setItem(id, loaded),
      'CONFLICT',
      `setItem of a context loaded before delItem('${id}')`,
    );
    assert.equal(
      await storage.contains(id),
      false,
      `after delItem('${id}') and a rejected setItem of the loaded context, contains is false`,
    );
  });

  test(
    'a context saved through another storage of the same location keeps its version check',
    async ({ open, hooks }) => {
      const storage = await open();
      const twin = await hooks.reopen!(storage);
      assert.equal(
        twin.location,
        storage.location,
        'a storage from reopen() has the location of the storage it reopens',
      );
      const id = randomId();
      await saveDialog(storage, id, 1);
      const stale = found(await storage.getItem(id), `getItem('${id}')`);
      await twin.update(id, (context) => void context.addTurn({ request: 'from the twin' }));
      stale.addTurn({ request: 'stale' });
      await rejectsWith(
        twin.setItem(id, stale),
        'CONFLICT',
        'setItem through a reopened storage of a context made stale by its update()',
      );
      const fresh = found(await twin.getItem(id), `getItem('${id}') through the reopened storage`);
      fresh.addTurn({ request: 'incremental through the twin' });
      await storage.setItem(id, fresh);
      const stored = await loadFull(storage, id);
      assert.deepEqual(
        stored.requests
          .entries()
          .slice(1)
          .map(([, request]) => request),
        ['from the twin', 'incremental through the twin'],
        'after update() through a reopened storage and setItem of a context loaded from it, both turns are stored',
      );
    },
    ['hook:reopen'],
  );

  test('a stale writer cannot merge into a context deleted and created anew', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 1, { user: 'alice' });
    const stale = found(await storage.getItem(id), `getItem('${id}')`);
    await storage.delItem(id);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later creation time
    await saveDialog(storage, id, 1, { user: 'bob' }); // version 1 again
    stale.addTurn({ request: 'alice, late' });
    await rejectsWith(
      storage.setItem(id, stale),
      'CONFLICT',
      `setItem of a context loaded before delItem('${id}') and a new setItem at version 1`,
    );
    const stored = await loadFull(storage, id);
    const after = `after a stale setItem('${id}') onto a context created anew, getItem`;
    assert.deepEqual(stored.misc, { user: 'bob' }, `${after} returns the new context's misc`);
    assert.deepEqual(stored.requests.keys(), [1], `${after} holds only the new context's turn`);
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
    assert.equal(
      (await loadFull(storage, id)).requests.has(1),
      true,
      'a setItem saved requests.delete(1), made after the call while the save was in flight',
    );
    context.addTurn({ request: 'four' });
    const second = storage.setItem(id, context);
    const third = storage.setItem(id, context); // not awaited either: saves of one object queue
    await second;
    context.addTurn({ request: 'five' });
    const fourth = storage.setItem(id, context); // queues behind the third, still in flight
    await Promise.all([third, fourth]);
    const stored = await loadFull(storage, id);
    const after = 'after four setItem calls of one context, some in flight together';
    assert.deepEqual(stored.requests.keys(), [2, 3, 4, 5], `${after}, requests 2 to 5 are stored`);
    assert.equal(
      stored.labels.get(2),
      'edited during the save',
      `${after}, labels[2] edited during the first save is stored`,
    );
    assert.deepEqual(
      stored.responses.get(1),
      { text: 'response 1' },
      'setItem did not save responses[1], set back to its stored value while a save of another value was in flight',
    );
    assert.equal(stored.currentTurnId, 5, `${after}, currentTurnId is 5`);
    assert.equal(
      context.version,
      stored.version,
      `${after}, the context knows the stored version ${stored.version}`,
    );
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
    assert.deepEqual(
      (await loadFull(storage, id)).misc,
      { step: 2 },
      'the next setItem saves the change made while the first was in flight',
    );
  });

  test('a batch with one stale context saves the others and reports the stale one', async ({
    open,
  }) => {
    const storage = await open();
    const [staleId, okId, newId] = [randomId('stale'), randomId('ok'), randomId('new')];
    await saveDialog(storage, staleId, 1);
    await saveDialog(storage, okId, 1);
    const [staleLoad, okLoad] = await storage.getItems([staleId, okId]);
    const stale = found(staleLoad, `getItems(['${staleId}', ...])[0]`);
    const ok = found(okLoad, `getItems([..., '${okId}'])[1]`);
    await storage.update(staleId, (context) => void context.addTurn({ request: 'rival' }));
    stale.addTurn({ request: 'lost cause' });
    ok.addTurn({ request: 'kept' });
    const fresh = new Context(newId, { misc: { fresh: true } });
    const error = await rejectsWith(
      storage.setItems([
        [staleId, stale],
        [okId, ok],
        [newId, fresh],
      ]),
      'CONFLICT',
      'setItems of one stale, one loaded and one new context',
    );
    const after = 'after setItems with one stale context';
    assert.equal(
      (error as unknown as { id: string }).id,
      staleId,
      `${after}, the CONFLICT names the stale id '${staleId}'`,
    );
    assert.equal(stale.version, 1, `${after}, the stale context keeps version 1`);
    assert.equal(ok.version, 2, `${after}, the loaded context saved with it has version 2`);
    assert.equal(fresh.version, 1, `${after}, the new context saved with it has version 1`);
    assert.equal(
      (await loadFull(storage, okId)).requests.get(2),
      'kept',
      `${after}, getItem('${okId}') holds its new turn`,
    );
    assert.deepEqual(
      (await loadFull(storage, newId)).misc,
      { fresh: true },
      `${after}, getItem('${newId}') returns the new context`,
    );
    assert.equal(
      (await loadFull(storage, staleId)).requests.get(2),
      'rival',
      `${after}, getItem('${staleId}') holds the rival's turn, not the stale one`,
    );
    ok.addTurn({ request: 'and again' }); // the saved one goes on incrementally
    await storage.setItem(okId, ok);
    assert.equal(
      (await loadFull(storage, okId)).requests.get(3),
      'and again',
      `${after}, a further setItem('${okId}') of the saved context adds its turn`,
    );
  });
};

/** Version checks: stale saves are rejected whole, and `update` loses nothing under contention. */
export const concurrency: TestGroup = (suite) => {
  versionChecks(suite);
  concurrentUpdates(suite);
};
