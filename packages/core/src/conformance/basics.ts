import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, dialog, found, loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** The seed methods (contains, getItem, setItem, delItem, len, clear) and their edge cases. */
export const basics: TestGroup = ({ test }) => {
  test('declares the capabilities given to the suite', async ({ open, options }) => {
    const storage = await open();
    assert.deepEqual(
      { ...storage.capabilities },
      { ...options.capabilities },
      'storage.capabilities equal the capabilities given to describeContextStorage',
    );
    assert.ok(
      typeof storage.name === 'string' && storage.name.length > 0,
      'storage.name is a non-empty adapter name, for its error messages',
    );
  });

  test('an unknown id is absent everywhere', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    assert.equal(await storage.contains(id), false, `contains('${id}') of a new storage is false`);
    assert.equal(
      await storage.getItem(id),
      undefined,
      `getItem('${id}') of a new storage is undefined`,
    );
    assert.equal(await storage.delItem(id), false, `delItem('${id}') of a new storage is false`);
    assert.equal(await storage.len(), 0, 'len() of a new storage is 0');
  });

  test('setItem then getItem round-trips main info and turns', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const before = Date.now();
    const context = dialog(id, 3, { user: { name: 'Ada', tags: ['a', 'b'] }, count: 3 });
    context.frameworkData = { engine: 'demo', stack: [1, 2] };
    await storage.setItem(id, context);
    assert.equal(context.version, 1, 'after the first setItem, context.version is 1');
    assert.equal(await storage.contains(id), true, `after setItem('${id}'), contains is true`);

    const loaded = await loadFull(storage, id);
    const after = `after setItem('${id}'), getItem`;
    assert.equal(loaded.id, id, `${after} returns a context with that id`);
    assert.equal(loaded.version, 1, `${after} returns version 1`);
    assert.equal(loaded.currentTurnId, 3, `${after} returns currentTurnId 3`);
    assert.deepEqual(
      loaded.misc,
      { user: { name: 'Ada', tags: ['a', 'b'] }, count: 3 },
      `${after} returns the misc that was saved`,
    );
    assert.deepEqual(
      loaded.frameworkData,
      { engine: 'demo', stack: [1, 2] },
      `${after} returns the frameworkData that was saved`,
    );
    assert.deepEqual(
      loaded.requests.get(2),
      { text: `request 2 of ${id}` },
      `${after} returns requests[2] as saved`,
    );
    assert.deepEqual(
      loaded.labels.get(3),
      ['flow', 'node3'],
      `${after} returns labels[3] as saved`,
    );
    assert.deepEqual(
      loaded.responses.get(1),
      { text: 'response 1' },
      `${after} returns responses[1] as saved`,
    );
    assert.equal(loaded.createdAt, context.createdAt, `${after} keeps createdAt`);
    assert.ok(
      loaded.updatedAt >= before && loaded.updatedAt <= Date.now(),
      `${after} returns updatedAt ${loaded.updatedAt}, not the time of the save (${before} or later)`,
    );
    assert.equal(loaded.expiresAt, undefined, `${after} without a TTL returns no expiresAt`);
  });

  test('overwriting with a new context keeps len and replaces every turn', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 5, { round: 1 });
    await saveDialog(storage, id, 2, { round: 2 });
    const after = `after two setItem('${id}') of new contexts (5 turns, then 2)`;
    assert.equal(await storage.len(), 1, `${after}, len() is 1`);
    const loaded = await loadFull(storage, id);
    assert.deepEqual(loaded.misc, { round: 2 }, `${after}, getItem returns the second misc`);
    assert.equal(loaded.currentTurnId, 2, `${after}, getItem returns currentTurnId 2`);
    assert.deepEqual(
      loaded.requests.keys(),
      [1, 2],
      `${after}, getItem returns only the second context's turns`,
    );
    assert.equal(loaded.version, 2, `${after}, the version keeps counting: it is 2`);
  });

  test('delItem removes one context and reports whether it existed', async ({ open }) => {
    const storage = await open();
    const [a, b] = [randomId(), randomId()];
    await saveDialog(storage, a, 2);
    await saveDialog(storage, b, 2);
    assert.equal(await storage.delItem(a), true, `delItem('${a}') of a stored id is true`);
    assert.equal(await storage.delItem(a), false, `a second delItem('${a}') is false`);
    assert.equal(await storage.contains(a), false, `after delItem('${a}'), contains is false`);
    assert.equal(
      await storage.getItem(a),
      undefined,
      `after delItem('${a}'), getItem is undefined`,
    );
    assert.equal(await storage.len(), 1, `after delItem('${a}') of two ids, len() is 1`);
    assert.ok(await storage.getItem(b), `after delItem('${a}'), getItem('${b}') still finds it`);
  });

  test('a deleted id can be created again from scratch', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 4);
    await storage.delItem(id);
    await storage.setItem(id, new Context(id, { misc: { fresh: true } }));
    const loaded = await loadFull(storage, id);
    assert.deepEqual(
      loaded.misc,
      { fresh: true },
      `after delItem('${id}') and setItem of a new context, getItem returns the new misc`,
    );
    assert.deepEqual(
      loaded.requests.keys(),
      [],
      `after delItem('${id}') and setItem of a new context, no turn of the deleted one survives`,
    );
  });

  test(
    'delItem and clear remove the data from the backend itself',
    async ({ open, hooks }) => {
      const storage = await open();
      const [a, b] = [randomId(), randomId()];
      await saveDialog(storage, a, 2);
      await saveDialog(storage, b, 2);
      assert.notEqual(
        await hooks.readRaw!(storage, a),
        undefined,
        `after setItem('${a}'), the readRaw hook sees its data`,
      );
      await storage.delItem(a);
      assert.equal(
        await hooks.readRaw!(storage, a),
        undefined,
        `after delItem('${a}'), readRaw still finds data of it in the backend`,
      );
      assert.notEqual(
        await hooks.readRaw!(storage, b),
        undefined,
        `after delItem('${a}'), readRaw still sees '${b}'`,
      );
      await storage.clear();
      assert.equal(
        await hooks.readRaw!(storage, b),
        undefined,
        `after clear(), readRaw still finds data of '${b}' in the backend`,
      );
    },
    ['hook:readRaw'],
  );

  test('clear on an empty storage succeeds', async ({ open }) => {
    const storage = await open();
    await storage.clear();
    assert.equal(await storage.len(), 0, 'after clear() of an empty storage, len() is 0');
  });

  test('clear and len see only their own storage', async ({ open }) => {
    const [mine, other] = [await open(), await open()];
    for (let i = 0; i < 3; i++) await saveDialog(mine, randomId('mine'), 1);
    const kept = randomId('other');
    await saveDialog(other, kept, 2);
    await saveDialog(other, randomId('other'), 1);
    assert.equal(await mine.len(), 3, 'len() counts the 3 contexts of its own storage only');
    assert.equal(await other.len(), 2, 'len() counts the 2 contexts of its own storage only');
    await mine.clear();
    assert.equal(await mine.len(), 0, 'after clear(), len() is 0');
    assert.equal(await other.len(), 2, 'after clear() of another storage, len() is still 2');
    assert.equal(
      (await loadFull(other, kept)).currentTurnId,
      2,
      `after clear() of another storage, getItem('${kept}') still has its 2 turns`,
    );
  });

  test('the same id in two storages holds two contexts', async ({ open }) => {
    const [a, b] = [await open(), await open()];
    const id = randomId();
    await saveDialog(a, id, 1, { owner: 'a' });
    await saveDialog(b, id, 2, { owner: 'b' });
    await a.delItem(id);
    assert.deepEqual(
      (await loadFull(b, id)).misc,
      { owner: 'b' },
      `after delItem('${id}') in one storage, the other storage's '${id}' is intact`,
    );
  });

  test('a context copied to another storage stays bound to where it came from', async ({
    open,
  }) => {
    const [source, target] = [await open(), await open()];
    assert.notEqual(
      source.location,
      target.location,
      'two storages opened by the factory have two different storage.location values',
    );
    const id = randomId();
    await saveDialog(source, id, 3, { step: 1 });
    await source.update(id, (context) => void context.addTurn({ request: 'fourth' })); // version 2
    const context = found(await source.getItem(id, { latest: 1 }), `getItem('${id}')`);
    await target.setItem(id, context); // a copy: loads every turn first
    assert.equal(
      context.version,
      2,
      'after setItem into another storage, the context keeps version 2 of the storage it came from',
    );
    assert.equal(
      (await loadFull(target, id)).requests.size,
      4,
      `after setItem('${id}') of a context loaded with latest: 1 into another storage, it holds all 4 turns`,
    );
    context.misc.step = 2;
    await source.setItem(id, context); // still an incremental, version-checked save to the source
    assert.equal(context.version, 3, 'a setItem back into its own storage makes version 3');
    assert.deepEqual(
      (await loadFull(source, id)).misc,
      { step: 2 },
      `after setItem('${id}') back into its own storage, that storage holds the new misc`,
    );
    assert.deepEqual(
      (await loadFull(target, id)).misc,
      { step: 1 },
      `after setItem('${id}') back into its own storage, the copy keeps the old misc`,
    );
  });

  test('a context saved under another id is copied whole and stays bound to its own id', async ({
    open,
  }) => {
    const storage = await open();
    const [id, other] = [randomId('original'), randomId('copy')];
    await saveDialog(storage, id, 5, { from: 'original' });
    await storage.update(id, (context) => void context.addTurn({ request: 'sixth' })); // version 2
    const context = await storage.getItem(id, { latest: 1 });
    assert.ok(context, `getItem('${id}') after update finds it`);
    await storage.setItem(other, context);
    assert.equal(
      context.version,
      2,
      `after setItem('${other}') of the context of '${id}', it keeps its own version 2`,
    );
    const copy = await loadFull(storage, other);
    assert.deepEqual(
      copy.requests.keys(),
      [1, 2, 3, 4, 5, 6],
      `setItem('${other}') of a context loaded from '${id}' copies it whole, turns it did not load included`,
    );
    assert.deepEqual(copy.misc, { from: 'original' }, `setItem('${other}') copies the misc`);
    context.addTurn({ request: 'seventh' });
    await storage.setItem(id, context); // incremental and version-checked, on its own id
    assert.equal(context.version, 3, `setItem('${id}') back on its own id makes version 3`);
    assert.deepEqual(
      (await loadFull(storage, id)).requests.keys(),
      [1, 2, 3, 4, 5, 6, 7],
      `after setItem('${id}') with a seventh turn, it holds turns 1 to 7`,
    );
    assert.deepEqual(
      (await loadFull(storage, other)).requests.keys(),
      [1, 2, 3, 4, 5, 6],
      `after setItem('${id}') with a seventh turn, the copy '${other}' still holds turns 1 to 6`,
    );
  });

  test('loaded contexts are independent copies of what is stored', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const saved = await saveDialog(storage, id, 1, { list: [1] });
    (saved.misc.list as number[]).push(99);
    (saved.requests.get(1) as { text: string }).text = 'mutated after save';
    const first = await loadFull(storage, id);
    const second = await loadFull(storage, id);
    assert.deepEqual(
      first.misc,
      { list: [1] },
      'getItem returns misc as saved, not changed by mutating the object after setItem',
    );
    assert.deepEqual(
      first.requests.get(1),
      { text: `request 1 of ${id}` },
      'getItem returns requests[1] as saved, not changed by mutating it after setItem',
    );
    (first.misc.list as number[]).push(7);
    (first.requests.get(1) as { text: string }).text = 'mutated after load';
    assert.deepEqual(
      second.misc,
      { list: [1] },
      'mutating the misc of one getItem result changed another: two loads share one object',
    );
    assert.deepEqual(
      second.requests.get(1),
      { text: `request 1 of ${id}` },
      'mutating requests[1] of one getItem result changed another: two loads share one object',
    );
    assert.deepEqual(
      (await loadFull(storage, id)).misc,
      { list: [1] },
      'mutating a loaded context changed what a later getItem returns',
    );
  });

  test('invalid ids, options and contexts are refused with INVALID_ARGUMENT', async ({ open }) => {
    const storage = await open();
    await rejectsWith(storage.getItem(''), 'INVALID_ARGUMENT', "getItem('')");
    await rejectsWith(storage.contains(''), 'INVALID_ARGUMENT', "contains('')");
    await rejectsWith(storage.delItem('\uD800'), 'INVALID_ARGUMENT', 'delItem of a lone surrogate');
    await rejectsWith(
      storage.getItems(['ok', 42 as unknown as string]),
      'INVALID_ARGUMENT',
      "getItems(['ok', 42])",
    );
    const id = randomId();
    const notAContext = await rejectsWith(
      storage.setItem(id, { id, misc: {} } as unknown as Context),
      'INVALID_ARGUMENT',
      'setItem of a plain object',
    );
    assert.match(
      notAContext.message,
      /Context/,
      'the INVALID_ARGUMENT error of setItem of a plain object says a Context is expected',
    );
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
        `the error of getItem with latest: ${JSON.stringify(latest)} names latest.${field}`,
      );
    }
    const retries = await rejectsWith(
      storage.update(id, () => {}, { retries: -1 }),
      'INVALID_ARGUMENT',
      'update() with retries: -1',
    );
    assert.match(
      retries.message,
      /retries/,
      'the error of update() with retries: -1 names retries',
    );
    const pageSize = await rejectsWith(
      collect(storage.ids({ pageSize: 2.5 })),
      'INVALID_ARGUMENT',
      'ids() with pageSize: 2.5',
    );
    assert.match(
      pageSize.message,
      /pageSize/,
      'the error of ids() with pageSize: 2.5 names pageSize',
    );
    assert.equal(
      await storage.contains(id),
      false,
      `after refused calls, contains('${id}') is false: they wrote nothing`,
    );
  });
};
