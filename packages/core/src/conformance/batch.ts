import assert from 'node:assert/strict';
import type { Context } from '../context.js';
import { dialog, found, loadFull, randomId, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** Batch forms: getItems, setItems, delItems with duplicates, missing ids and empty input. */
export const batch: TestGroup = ({ test }) => {
  test('getItems answers in input order, with missing ids and duplicates', async ({ open }) => {
    const storage = await open();
    const ids = Array.from({ length: 12 }, (_, i) => randomId(`order${i}`));
    for (const [index, id] of ids.entries()) await saveDialog(storage, id, 1, { index });
    const missing = randomId('missing');
    const wanted = [ids[7]!, missing, ids[0]!, ids[11]!, ids[7]!, ids[3]!];
    const loaded = await storage.getItems(wanted);
    assert.equal(loaded.length, wanted.length, 'getItems of 6 ids returns 6 answers');
    assert.deepEqual(
      loaded.map((context) => context?.id),
      [ids[7], undefined, ids[0], ids[11], ids[7], ids[3]],
      'getItems answers in input order, undefined for a missing id, once per duplicate',
    );
    assert.deepEqual(
      loaded.map((context) => context?.misc.index),
      [7, undefined, 0, 11, 7, 3],
      'getItems returns the misc of each id, in input order',
    );
    assert.notEqual(loaded[0], loaded[4], 'getItems returns one object for an id given twice');
    loaded[0]!.misc.index = -1;
    assert.equal(
      loaded[4]!.misc.index,
      7,
      'getItems with an id given twice: changing one answer changed the other',
    );
  });

  test('getItems, setItems and delItems accept empty input', async ({ open }) => {
    const storage = await open();
    assert.deepEqual(await storage.getItems([]), [], 'getItems([]) returns []');
    await storage.setItems([]);
    assert.equal(await storage.delItems([]), 0, 'delItems([]) returns 0');
  });

  test(
    'empty batches are answered without the backend',
    async ({ open, hooks }) => {
      const storage = await open();
      const restore = await hooks.makeUnavailable!(storage);
      try {
        assert.deepEqual(await storage.getItems([]), [], 'getItems([]) asked the backend');
        await storage.setItems([]);
        assert.equal(await storage.delItems([]), 0, 'delItems([]) asked the backend');
      } finally {
        await restore();
      }
    },
    ['hook:makeUnavailable'],
  );

  test('setItems saves every entry; a repeated id keeps the last entry', async ({ open }) => {
    const storage = await open();
    const [a, b, c] = [randomId('a'), randomId('b'), randomId('c')];
    await storage.setItems([
      [a, dialog(a, 1, { v: 'a1' })],
      [b, dialog(b, 2, { v: 'b' })],
      [a, dialog(a, 3, { v: 'a2' })],
      [c, dialog(c, 1, { v: 'c' })],
    ]);
    const after = 'after setItems of 4 entries over 3 ids';
    assert.equal(await storage.len(), 3, `${after}, len() is 3`);
    const loadedA = await loadFull(storage, a);
    assert.deepEqual(loadedA.misc, { v: 'a2' }, `${after}, the repeated id keeps its last misc`);
    assert.equal(loadedA.currentTurnId, 3, `${after}, the repeated id keeps its last 3 turns`);
    assert.deepEqual(
      (await loadFull(storage, b)).misc,
      { v: 'b' },
      `${after}, getItem('${b}') returns its misc`,
    );
  });

  test('setItems saves loaded contexts incrementally with their version check', async ({
    open,
  }) => {
    const storage = await open();
    const ids = [randomId('x'), randomId('y')];
    for (const id of ids) await saveDialog(storage, id, 2);
    const loaded = (await storage.getItems(ids)) as Context[];
    for (const context of loaded) context.addTurn({ request: `third of ${context.id}` });
    await storage.setItems(loaded.map((context) => [context.id, context] as const));
    for (const id of ids) {
      const again = await loadFull(storage, id);
      const after = `after setItems of loaded contexts, getItem('${id}')`;
      assert.equal(again.version, 2, `${after} returns version 2`);
      assert.deepEqual(again.requests.keys(), [1, 2, 3], `${after} holds requests 1 to 3`);
      assert.equal(again.requests.get(3), `third of ${id}`, `${after} holds the added turn 3`);
    }
  });

  test('setItems saves new and loaded contexts in one batch, each in its own way', async ({
    open,
  }) => {
    const storage = await open();
    const [fresh, loadedId, renewed] = [randomId('new'), randomId('loaded'), randomId('renewed')];
    await saveDialog(storage, loadedId, 6);
    await saveDialog(storage, renewed, 4, { old: true });
    const loaded = found(await storage.getItem(loadedId, { latest: 1 }), `getItem('${loadedId}')`);
    loaded.addTurn({ request: 'seventh' });
    await storage.setItems([
      [fresh, dialog(fresh, 1, { v: 'new' })],
      [loadedId, loaded],
      [renewed, dialog(renewed, 1, { v: 'renewed' })],
    ]);
    assert.deepEqual(
      (await loadFull(storage, loadedId)).requests.keys(),
      [1, 2, 3, 4, 5, 6, 7],
      'saved after a new context in one setItems, a loaded context lost its unloaded turns',
    );
    const replaced = await loadFull(storage, renewed);
    assert.deepEqual(
      replaced.misc,
      { v: 'renewed' },
      `after setItems, getItem('${renewed}') returns the misc of the new context`,
    );
    assert.deepEqual(
      replaced.requests.keys(),
      [1],
      'saved after a loaded context in one setItems, a new context kept the turns it replaced',
    );
    assert.deepEqual(
      (await loadFull(storage, fresh)).misc,
      { v: 'new' },
      `after setItems, getItem('${fresh}') returns the new context's misc`,
    );
  });

  test('delItems counts what existed, ignoring missing ids and duplicates', async ({ open }) => {
    const storage = await open();
    const ids = [randomId(), randomId(), randomId()];
    for (const id of ids) await saveDialog(storage, id, 1);
    const deleted = await storage.delItems([ids[0]!, randomId('missing'), ids[2]!, ids[0]!]);
    assert.equal(deleted, 2, 'delItems of 2 stored ids, 1 missing and 1 repeated returns 2');
    assert.equal(await storage.len(), 1, 'after delItems of 2 of 3 ids, len() is 1');
    assert.equal(
      await storage.contains(ids[1]!),
      true,
      `after delItems of the others, contains('${ids[1]}') is still true`,
    );
  });
};
