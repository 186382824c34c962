import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, dialog, loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** The seed methods (contains, getItem, setItem, delItem, len, clear) and their edge cases. */
export const basics: TestGroup = ({ test }) => {
  test('declares the capabilities given to the suite', async ({ open, options }) => {
    const storage = await open();
    assert.deepEqual({ ...storage.capabilities }, { ...options.capabilities });
    assert.ok(
      typeof storage.name === 'string' && storage.name.length > 0,
      'a storage must have an adapter name, for its error messages',
    );
  });

  test('an unknown id is absent everywhere', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    assert.equal(await storage.contains(id), false);
    assert.equal(await storage.getItem(id), undefined);
    assert.equal(await storage.delItem(id), false);
    assert.equal(await storage.len(), 0);
  });

  test('setItem then getItem round-trips main info and turns', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const before = Date.now();
    const context = dialog(id, 3, { user: { name: 'Ada', tags: ['a', 'b'] }, count: 3 });
    context.frameworkData = { engine: 'demo', stack: [1, 2] };
    await storage.setItem(id, context);
    assert.equal(context.version, 1);
    assert.equal(await storage.contains(id), true);

    const loaded = await loadFull(storage, id);
    assert.equal(loaded.id, id);
    assert.equal(loaded.version, 1);
    assert.equal(loaded.currentTurnId, 3);
    assert.deepEqual(loaded.misc, { user: { name: 'Ada', tags: ['a', 'b'] }, count: 3 });
    assert.deepEqual(loaded.frameworkData, { engine: 'demo', stack: [1, 2] });
    assert.deepEqual(loaded.requests.get(2), { text: `request 2 of ${id}` });
    assert.deepEqual(loaded.labels.get(3), ['flow', 'node3']);
    assert.deepEqual(loaded.responses.get(1), { text: 'response 1' });
    assert.equal(loaded.createdAt, context.createdAt);
    assert.ok(loaded.updatedAt >= before && loaded.updatedAt <= Date.now());
    assert.equal(loaded.expiresAt, undefined);
  });

  test('overwriting with a new context keeps len and replaces every turn', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 5, { round: 1 });
    await saveDialog(storage, id, 2, { round: 2 });
    assert.equal(await storage.len(), 1);
    const loaded = await loadFull(storage, id);
    assert.deepEqual(loaded.misc, { round: 2 });
    assert.equal(loaded.currentTurnId, 2);
    assert.deepEqual(loaded.requests.keys(), [1, 2]);
    assert.equal(loaded.version, 2, 'the version keeps counting across overwrites');
  });

  test('delItem removes one context and reports whether it existed', async ({ open }) => {
    const storage = await open();
    const [a, b] = [randomId(), randomId()];
    await saveDialog(storage, a, 2);
    await saveDialog(storage, b, 2);
    assert.equal(await storage.delItem(a), true);
    assert.equal(await storage.delItem(a), false);
    assert.equal(await storage.contains(a), false);
    assert.equal(await storage.getItem(a), undefined);
    assert.equal(await storage.len(), 1);
    assert.ok(await storage.getItem(b));
  });

  test('a deleted id can be created again from scratch', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 4);
    await storage.delItem(id);
    await storage.setItem(id, new Context(id, { misc: { fresh: true } }));
    const loaded = await loadFull(storage, id);
    assert.deepEqual(loaded.misc, { fresh: true });
    assert.deepEqual(loaded.requests.keys(), [], 'no turn of the deleted context survives');
  });

  test(
    'delItem and clear remove the data from the backend itself',
    async ({ open, hooks }) => {
      const storage = await open();
      const [a, b] = [randomId(), randomId()];
      await saveDialog(storage, a, 2);
      await saveDialog(storage, b, 2);
      assert.notEqual(await hooks.readRaw!(storage, a), undefined, 'readRaw sees a saved context');
      await storage.delItem(a);
      assert.equal(await hooks.readRaw!(storage, a), undefined, 'delItem left data behind');
      assert.notEqual(await hooks.readRaw!(storage, b), undefined);
      await storage.clear();
      assert.equal(await hooks.readRaw!(storage, b), undefined, 'clear left data behind');
    },
    ['hook:readRaw'],
  );

  test('clear on an empty storage succeeds', async ({ open }) => {
    const storage = await open();
    await storage.clear();
    assert.equal(await storage.len(), 0);
  });

  test('clear and len see only their own storage', async ({ open }) => {
    const [mine, other] = [await open(), await open()];
    for (let i = 0; i < 3; i++) await saveDialog(mine, randomId('mine'), 1);
    const kept = randomId('other');
    await saveDialog(other, kept, 2);
    await saveDialog(other, randomId('other'), 1);
    assert.equal(await mine.len(), 3);
    assert.equal(await other.len(), 2);
    await mine.clear();
    assert.equal(await mine.len(), 0);
    assert.equal(await other.len(), 2, 'clear must leave other prefixes untouched');
    assert.equal((await loadFull(other, kept)).currentTurnId, 2);
  });

  test('the same id in two storages holds two contexts', async ({ open }) => {
    const [a, b] = [await open(), await open()];
    const id = randomId();
    await saveDialog(a, id, 1, { owner: 'a' });
    await saveDialog(b, id, 2, { owner: 'b' });
    await a.delItem(id);
    assert.deepEqual((await loadFull(b, id)).misc, { owner: 'b' });
  });

  test('a context copied to another storage stays bound to where it came from', async ({
    open,
  }) => {
    const [source, target] = [await open(), await open()];
    assert.notEqual(source.location, target.location, 'two storages must have two locations');
    const id = randomId();
    await saveDialog(source, id, 3, { step: 1 });
    await source.update(id, (context) => void context.addTurn({ request: 'fourth' })); // version 2
    const context = await source.getItem(id, { latest: 1 });
    await target.setItem(id, context!); // a copy: loads every turn first
    assert.equal(
      context!.version,
      2,
      'copied to another storage, a context must keep its version in the storage it came from',
    );
    assert.equal((await loadFull(target, id)).requests.size, 4);
    context!.misc.step = 2;
    await source.setItem(id, context!); // still an incremental, version-checked save to the source
    assert.equal(context!.version, 3);
    assert.deepEqual((await loadFull(source, id)).misc, { step: 2 });
    assert.deepEqual((await loadFull(target, id)).misc, { step: 1 });
  });

  test('a context saved under another id is copied whole and stays bound to its own id', async ({
    open,
  }) => {
    const storage = await open();
    const [id, other] = [randomId('original'), randomId('copy')];
    await saveDialog(storage, id, 5, { from: 'original' });
    await storage.update(id, (context) => void context.addTurn({ request: 'sixth' })); // version 2
    const context = await storage.getItem(id, { latest: 1 });
    assert.ok(context);
    await storage.setItem(other, context);
    assert.equal(
      context.version,
      2,
      `saved under ${other}, the context of ${id} must keep its own version`,
    );
    const copy = await loadFull(storage, other);
    assert.deepEqual(
      copy.requests.keys(),
      [1, 2, 3, 4, 5, 6],
      'a context saved under another id must be copied whole, turns it did not load included',
    );
    assert.deepEqual(copy.misc, { from: 'original' });
    context.addTurn({ request: 'seventh' });
    await storage.setItem(id, context); // incremental and version-checked, on its own id
    assert.equal(context.version, 3);
    assert.deepEqual((await loadFull(storage, id)).requests.keys(), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual((await loadFull(storage, other)).requests.keys(), [1, 2, 3, 4, 5, 6]);
  });

  test('loaded contexts are independent copies of what is stored', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const saved = await saveDialog(storage, id, 1, { list: [1] });
    (saved.misc.list as number[]).push(99);
    (saved.requests.get(1) as { text: string }).text = 'mutated after save';
    const first = await loadFull(storage, id);
    const second = await loadFull(storage, id);
    assert.deepEqual(first.misc, { list: [1] }, 'mutating a saved object changed the store');
    assert.deepEqual(first.requests.get(1), { text: `request 1 of ${id}` });
    (first.misc.list as number[]).push(7);
    (first.requests.get(1) as { text: string }).text = 'mutated after load';
    assert.deepEqual(second.misc, { list: [1] }, 'two loads share one object');
    assert.deepEqual(second.requests.get(1), { text: `request 1 of ${id}` });
    assert.deepEqual((await loadFull(storage, id)).misc, { list: [1] });
  });

  test('invalid ids, options and contexts are refused with INVALID_ARGUMENT', async ({ open }) => {
    const storage = await open();
    await rejectsWith(storage.getItem(''), 'INVALID_ARGUMENT');
    await rejectsWith(storage.contains(''), 'INVALID_ARGUMENT');
    await rejectsWith(storage.delItem('\uD800'), 'INVALID_ARGUMENT');
    await rejectsWith(storage.getItems(['ok', 42 as unknown as string]), 'INVALID_ARGUMENT');
    const id = randomId();
    const notAContext = await rejectsWith(
      storage.setItem(id, { id, misc: {} } as unknown as Context),
      'INVALID_ARGUMENT',
      'setItem of a plain object',
    );
    assert.match(notAContext.message, /Context/, 'the error must say a Context is expected');
    for (const [latest, field] of [
      [-1, 'labels'],
      [1.5, 'labels'],
      [{ requests: -2 }, 'requests'],
      [{ responses: 'some' }, 'responses'],
    ] as const) {
      const error = await rejectsWith(
        storage.getItem(id, { latest: latest as never }),
        'INVALID_ARGUMENT',
        `getItem with latest: ${JSON.stringify(latest)}`,
      );
      assert.match(
        error.message,
        new RegExp(`latest\\.${field}`),
        'the error must name the window',
      );
    }
    const retries = await rejectsWith(
      storage.update(id, () => {}, { retries: -1 }),
      'INVALID_ARGUMENT',
      'update with retries: -1',
    );
    assert.match(retries.message, /retries/, 'the error must name the option');
    const pageSize = await rejectsWith(
      collect(storage.ids({ pageSize: 2.5 })),
      'INVALID_ARGUMENT',
      'ids() with pageSize: 2.5',
    );
    assert.match(pageSize.message, /pageSize/, 'the error must name the option');
    assert.equal(await storage.contains(id), false, 'a refused call must write nothing');
  });
};
