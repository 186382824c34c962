import assert from 'node:assert/strict';
import { dialog, found, loadFull, randomId, range, saveDialog, sleep } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** Partial save of a live context: its changes written, unloaded turns and unchanged parts intact. */
export const partialSave: TestGroup = ({ test }) => {
  test('a partial save writes its changes and leaves unloaded turns intact', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 40, { step: 'start' });
    const context = await storage.getItem(id, { latest: 2 });
    assert.ok(context, `getItem('${id}') with latest: 2 finds it`);
    const savedAt = context.updatedAt;
    await sleep(5); // a later updatedAt
    context.misc.step = 'middle';
    context.responses.set(40, { text: 'edited' });
    context.requests.delete(5); // never loaded: deleted blind
    const turn = context.addTurn({ request: 'new', label: ['flow', 'end'], response: 'bye' });
    assert.equal(turn, 41, 'addTurn() after 40 turns returns turn id 41');
    await storage.setItem(id, context);
    assert.equal(context.version, 2, 'after a partial setItem, context.version is 2');

    const full = await loadFull(storage, id);
    const after = 'after a partial setItem of a context loaded with latest: 2 of 40 turns';
    assert.ok(
      full.updatedAt > savedAt,
      `${after}, updatedAt is still ${full.updatedAt}, as saved before: it must be set anew`,
    );
    assert.equal(
      full.updatedAt,
      context.updatedAt,
      `${after}, getItem returns the updatedAt the context was given`,
    );
    assert.equal(full.currentTurnId, 41, `${after}, currentTurnId is 41`);
    assert.deepEqual(full.misc, { step: 'middle' }, `${after}, getItem returns the new misc`);
    assert.deepEqual(
      full.requests.keys(),
      [...range(1, 4), ...range(6, 41)],
      `${after} that deleted requests[5] blind, every other request 1 to 41 is stored`,
    );
    assert.deepEqual(
      full.responses.get(40),
      { text: 'edited' },
      `${after}, the edited responses[40] is stored`,
    );
    assert.deepEqual(
      full.responses.get(39),
      { text: 'response 39' },
      `${after}, the unloaded responses[39] is intact`,
    );
    assert.deepEqual(
      full.labels.get(1),
      ['flow', 'node1'],
      `${after}, the unloaded labels[1] is intact`,
    );
    assert.equal(full.requests.get(41), 'new', `${after}, the added requests[41] is stored`);
    assert.deepEqual(
      await context.requests.fetch(3),
      { text: `request 3 of ${id}` },
      `${after}, requests.fetch(3) of a turn it never loaded returns the stored item`,
    );
    assert.equal(
      await context.requests.fetch(5),
      undefined,
      `${after}, requests.fetch(5) of the turn it deleted returns undefined`,
    );
  });

  test('frameworkData and misc survive saves that do not change them', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = dialog(id, 2, { kept: 'misc' });
    context.frameworkData = { engine: { node: 'start', stack: [1, 2] } };
    await storage.setItem(id, context);
    const loaded = found(await storage.getItem(id), `getItem('${id}')`);
    loaded.addTurn({ request: 'only a turn' });
    await storage.setItem(id, loaded);
    const again = await loadFull(storage, id);
    const after = 'after a setItem that only added a turn';
    assert.deepEqual(
      again.frameworkData,
      { engine: { node: 'start', stack: [1, 2] } },
      `${after}, getItem returns the frameworkData saved before`,
    );
    assert.deepEqual(
      again.misc,
      { kept: 'misc' },
      `${after}, getItem returns the misc saved before`,
    );
    Object.assign(again.frameworkData, { engine: { node: 'next' } });
    await storage.setItem(id, again);
    assert.deepEqual(
      (await loadFull(storage, id)).frameworkData,
      { engine: { node: 'next' } },
      'after a setItem that only changed frameworkData, getItem returns the new frameworkData',
    );
    assert.deepEqual(
      (await loadFull(storage, id)).misc,
      { kept: 'misc' },
      'after a setItem that only changed frameworkData, getItem returns the misc saved before',
    );
  });

  test('an item mutated in place after load is saved', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 3, { profile: { name: 'Ada' } });
    const context = await storage.getItem(id);
    assert.ok(context, `getItem('${id}') after setItem finds it`);
    (context.requests.get(3) as { text: string }).text = 'edited in place';
    (context.misc.profile as { name: string }).name = 'Grace';
    await storage.setItem(id, context);
    const full = await loadFull(storage, id);
    assert.deepEqual(
      full.requests.get(3),
      { text: 'edited in place' },
      'after setItem of requests[3] mutated in place, getItem returns the mutation',
    );
    assert.deepEqual(
      full.misc,
      { profile: { name: 'Grace' } },
      'after setItem of misc mutated in place, getItem returns the mutation',
    );

    // What a save wrote is what later in-place changes are compared with.
    const item = { text: 'second version' };
    context.requests.set(2, item);
    await storage.setItem(id, context);
    item.text = `request 2 of ${id}`; // back to what was loaded
    await storage.setItem(id, context);
    assert.deepEqual(
      (await loadFull(storage, id)).requests.get(2),
      { text: `request 2 of ${id}` },
      'setItem did not save requests[2], mutated in place back to its loaded value after a setItem of another value',
    );
  });

  test('a saved context can be saved again, and again', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = await saveDialog(storage, id, 1);
    for (let round = 2; round <= 6; round++) {
      context.addTurn({ request: `round ${round}` });
      await storage.setItem(id, context);
      assert.equal(
        context.version,
        round,
        `setItem number ${round} of one context makes version ${round}`,
      );
    }
    const full = await loadFull(storage, id);
    assert.equal(full.version, 6, 'after 6 setItem of one context, getItem returns version 6');
    assert.deepEqual(
      full.requests.keys(),
      range(1, 6),
      'after 6 setItem of one context each adding a turn, getItem holds turns 1 to 6',
    );
  });
};
