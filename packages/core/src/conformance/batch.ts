import assert from 'node:assert/strict';
import type { Context } from '../context.js';
import { dialog, loadFull, randomId, saveDialog } from './fixtures.js';
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
    assert.equal(loaded.length, wanted.length);
    assert.deepEqual(
      loaded.map((context) => context?.id),
      [ids[7], undefined, ids[0], ids[11], ids[7], ids[3]],
    );
    assert.deepEqual(
      loaded.map((context) => context?.misc.index),
      [7, undefined, 0, 11, 7, 3],
    );
    assert.notEqual(loaded[0], loaded[4], 'a repeated id must give independent copies');
    loaded[0]!.misc.index = -1;
    assert.equal(loaded[4]!.misc.index, 7);
  });

  test('getItems, setItems and delItems accept empty input', async ({ open }) => {
    const storage = await open();
    assert.deepEqual(await storage.getItems([]), []);
    await storage.setItems([]);
    assert.equal(await storage.delItems([]), 0);
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
    assert.equal(await storage.len(), 3);
    const loadedA = await loadFull(storage, a);
    assert.deepEqual(loadedA.misc, { v: 'a2' });
    assert.equal(loadedA.currentTurnId, 3);
    assert.deepEqual((await loadFull(storage, b)).misc, { v: 'b' });
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
      assert.equal(again.version, 2);
      assert.deepEqual(again.requests.keys(), [1, 2, 3]);
      assert.equal(again.requests.get(3), `third of ${id}`);
    }
  });

  test('setItems saves new and loaded contexts in one batch, each in its own way', async ({
    open,
  }) => {
    const storage = await open();
    const [fresh, loadedId, renewed] = [randomId('new'), randomId('loaded'), randomId('renewed')];
    await saveDialog(storage, loadedId, 6);
    await saveDialog(storage, renewed, 4, { old: true });
    const loaded = await storage.getItem(loadedId, { latest: 1 });
    loaded!.addTurn({ request: 'seventh' });
    await storage.setItems([
      [fresh, dialog(fresh, 1, { v: 'new' })],
      [loadedId, loaded!],
      [renewed, dialog(renewed, 1, { v: 'renewed' })],
    ]);
    assert.deepEqual(
      (await loadFull(storage, loadedId)).requests.keys(),
      [1, 2, 3, 4, 5, 6, 7],
      'saved after a new context in one setItems, a loaded context lost its unloaded turns',
    );
    const replaced = await loadFull(storage, renewed);
    assert.deepEqual(replaced.misc, { v: 'renewed' });
    assert.deepEqual(
      replaced.requests.keys(),
      [1],
      'saved after a loaded context in one setItems, a new context kept the turns it replaced',
    );
    assert.deepEqual((await loadFull(storage, fresh)).misc, { v: 'new' });
  });

  test('delItems counts what existed, ignoring missing ids and duplicates', async ({ open }) => {
    const storage = await open();
    const ids = [randomId(), randomId(), randomId()];
    for (const id of ids) await saveDialog(storage, id, 1);
    const deleted = await storage.delItems([ids[0]!, randomId('missing'), ids[2]!, ids[0]!]);
    assert.equal(deleted, 2);
    assert.equal(await storage.len(), 1);
    assert.equal(await storage.contains(ids[1]!), true);
  });
};
