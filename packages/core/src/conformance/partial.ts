import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { DEFAULT_LATEST } from '../storage-options.js';
import { dialog, loadedTurnIds, loadFull, randomId, saveDialog, sleep } from './fixtures.js';
import type { TestGroup } from './suite.js';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Partial load (latest N, all, by turn id, gaps) and partial save of a live context. */
export const partial: TestGroup = ({ test }) => {
  test('a load holds the latest turns of each field, as configured', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 20);

    const byDefault = await storage.getItem(id);
    assert.ok(byDefault);
    const latest = range(21 - DEFAULT_LATEST, 20);
    assert.deepEqual(loadedTurnIds(byDefault), {
      labels: latest,
      requests: latest,
      responses: latest,
    });
    assert.equal(byDefault.currentTurnId, 20);

    const mixed = await storage.getItem(id, {
      latest: { labels: 1, requests: 'all', responses: 0 },
    });
    assert.ok(mixed);
    assert.deepEqual(loadedTurnIds(mixed), { labels: [20], requests: range(1, 20), responses: [] });
    // As JavaScript callers write it (TypeScript's exactOptionalPropertyTypes refuses it).
    const partly = await storage.getItem(id, {
      latest: { labels: 1, requests: undefined } as unknown as { labels: number },
    });
    assert.deepEqual(
      loadedTurnIds(partly!),
      { labels: [20], requests: latest, responses: latest },
      'a field whose window is given as undefined must load the default window',
    );

    const configured = await open({ latest: 5 });
    await saveDialog(configured, id, 8);
    const five = await configured.getItem(id);
    assert.deepEqual(five?.requests.keys(), range(4, 8));
    assert.deepEqual(
      five?.latestTurns(2).map((turn) => turn.turnId),
      [7, 8],
    );
    assert.deepEqual(five?.latestTurns(2)[1], {
      turnId: 8,
      label: ['flow', 'node8'],
      request: { text: `request 8 of ${id}` },
      response: { text: 'response 8' },
    });
  });

  test('getItems loads the latest turns of each context by its own current turn', async ({
    open,
  }) => {
    const storage = await open();
    const [long, short, missing] = [randomId('long'), randomId('short'), randomId('missing')];
    await saveDialog(storage, long, 9);
    await saveDialog(storage, short, 2);
    const [none, nine, two] = await storage.getItems([missing, long, short], {
      latest: { labels: 'all', requests: 2, responses: 0 },
    });
    assert.equal(none, undefined);
    assert.deepEqual(loadedTurnIds(nine!), {
      labels: range(1, 9),
      requests: [8, 9],
      responses: [],
    });
    assert.deepEqual(
      loadedTurnIds(two!),
      { labels: [1, 2], requests: [1, 2], responses: [] },
      'in one getItems with a 9-turn context, a 2-turn context must load its own latest 2 requests',
    );
  });

  test('an item at turn 0 loads with every window that reaches it', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = new Context(id);
    context.responses.set(0, 'welcome'); // sent before the first request
    context.addTurn({ request: 'hi', response: 'hello' });
    context.addTurn({ request: 'bye', response: 'see you' });
    await storage.setItem(id, context);
    const reaching = await storage.getItem(id, { latest: 3 });
    assert.equal(reaching?.responses.get(0), 'welcome', 'latest: 3 at turn 2 must load turn 0');
    const beyond = await storage.getItem(id, { latest: 50 });
    assert.deepEqual(beyond?.responses.keys(), [0, 1, 2], 'latest: 50 at turn 2 must load turn 0');
    const all = await storage.getItem(id, { latest: 'all' });
    assert.deepEqual(all?.responses.keys(), [0, 1, 2], "latest: 'all' must load turn 0");
    const short = await storage.getItem(id, { latest: 2 });
    assert.deepEqual(short?.responses.keys(), [1, 2]);
    assert.deepEqual(
      [...(await short!.responses.fetchAll()).keys()],
      [0, 1, 2],
      'fetchAll must load turn 0',
    );
  });

  test('older turns load on demand by turn id', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 30);
    const context = await storage.getItem(id, { latest: 2 });
    assert.ok(context);
    assert.equal(context.requests.get(3), undefined, 'not loaded yet');
    assert.deepEqual(await context.requests.fetch(3), { text: `request 3 of ${id}` });
    assert.equal(await context.requests.fetch(99), undefined);
    const some = await context.labels.fetchMany([1, 2, 29, 77]);
    assert.deepEqual([...some.keys()], [1, 2, 29]);
    const turns = await context.fetchTurns([10, 11, 500]);
    assert.deepEqual(
      turns.map((turn) => [turn.turnId, turn.response]),
      [
        [10, { text: 'response 10' }],
        [11, { text: 'response 11' }],
      ],
    );
    assert.equal((await context.responses.fetchAll()).size, 30);
  });

  test('deleted items leave gaps, in windows and on demand', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 10);
    const context = await storage.getItem(id, { latest: 'all' });
    assert.ok(context);
    context.requests.delete(9);
    context.requests.delete(2);
    context.labels.delete(10);
    await storage.setItem(id, context);

    const windowed = await storage.getItem(id, { latest: 3 });
    assert.deepEqual(windowed?.requests.keys(), [8, 10]);
    assert.deepEqual(windowed?.labels.keys(), [8, 9]);
    assert.equal(await windowed?.requests.fetch(2), undefined);
    assert.deepEqual(
      (await windowed?.fetchTurns([9]))?.map((turn) => Object.keys(turn).sort()),
      [['label', 'response', 'turnId']],
    );
    const full = await loadFull(storage, id);
    assert.deepEqual(full.requests.keys(), [1, 3, 4, 5, 6, 7, 8, 10]);
  });

  test('a partial save writes its changes and leaves unloaded turns intact', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 40, { step: 'start' });
    const context = await storage.getItem(id, { latest: 2 });
    assert.ok(context);
    const savedAt = context.updatedAt;
    await sleep(5); // a later updatedAt
    context.misc.step = 'middle';
    context.responses.set(40, { text: 'edited' });
    context.requests.delete(5); // never loaded: deleted blind
    const turn = context.addTurn({ request: 'new', label: ['flow', 'end'], response: 'bye' });
    assert.equal(turn, 41);
    await storage.setItem(id, context);
    assert.equal(context.version, 2);

    const full = await loadFull(storage, id);
    assert.ok(
      full.updatedAt > savedAt,
      `an incremental save must set updatedAt: still ${full.updatedAt}, as saved before`,
    );
    assert.equal(full.updatedAt, context.updatedAt);
    assert.equal(full.currentTurnId, 41);
    assert.deepEqual(full.misc, { step: 'middle' });
    assert.deepEqual(full.requests.keys(), [...range(1, 4), ...range(6, 41)]);
    assert.deepEqual(full.responses.get(40), { text: 'edited' });
    assert.deepEqual(full.responses.get(39), { text: 'response 39' });
    assert.deepEqual(full.labels.get(1), ['flow', 'node1']);
    assert.equal(full.requests.get(41), 'new');
    assert.deepEqual(
      await context.requests.fetch(3),
      { text: `request 3 of ${id}` },
      'after an incremental save, a turn the context never loaded must still be fetched',
    );
    assert.equal(await context.requests.fetch(5), undefined);
  });

  test('turns come back in turn order, whatever order they were set in', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = new Context(id);
    for (const turnId of [5, 2, 9, 1]) context.requests.set(turnId, `request ${turnId}`);
    assert.equal(context.currentTurnId, 9, 'setting requests[9] on a new context must advance it');
    context.labels.set(3, 'three');
    await storage.setItem(id, context);
    const loaded = await loadFull(storage, id);
    assert.equal(loaded.currentTurnId, 9);
    assert.deepEqual(loaded.requests.keys(), [1, 2, 5, 9], 'keys() must be in turn order');
    assert.deepEqual(
      loaded.requests.entries().map(([turnId]) => turnId),
      [1, 2, 5, 9],
    );
    assert.deepEqual(loaded.requests.latest(2), [
      [5, 'request 5'],
      [9, 'request 9'],
    ]);
    assert.deepEqual(loaded.requests.latest(1), [[9, 'request 9']]);
    assert.deepEqual(loaded.requests.latest(0), []);
    assert.deepEqual(
      (await loaded.fetchTurns([9, 3, 1])).map((turn) => turn.turnId),
      [1, 3, 9],
      'fetchTurns must answer in turn order',
    );
  });

  test('frameworkData and misc survive saves that do not change them', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = dialog(id, 2, { kept: 'misc' });
    context.frameworkData = { engine: { node: 'start', stack: [1, 2] } };
    await storage.setItem(id, context);
    const loaded = await storage.getItem(id);
    loaded!.addTurn({ request: 'only a turn' });
    await storage.setItem(id, loaded!);
    const again = await loadFull(storage, id);
    assert.deepEqual(again.frameworkData, { engine: { node: 'start', stack: [1, 2] } });
    assert.deepEqual(again.misc, { kept: 'misc' });
    Object.assign(again.frameworkData, { engine: { node: 'next' } });
    await storage.setItem(id, again);
    assert.deepEqual((await loadFull(storage, id)).frameworkData, { engine: { node: 'next' } });
    assert.deepEqual((await loadFull(storage, id)).misc, { kept: 'misc' });
  });

  test('fetching turns of a context deleted meanwhile finds nothing, without error', async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 5);
    const context = await storage.getItem(id, { latest: 1 });
    await storage.delItem(id);
    assert.equal(await context!.requests.fetch(2), undefined);
    assert.deepEqual(await context!.fetchTurns([1, 3]), []);
    assert.deepEqual([...(await context!.labels.fetchAll()).keys()], [5]);
  });

  test('an item mutated in place after load is saved', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 3, { profile: { name: 'Ada' } });
    const context = await storage.getItem(id);
    assert.ok(context);
    (context.requests.get(3) as { text: string }).text = 'edited in place';
    (context.misc.profile as { name: string }).name = 'Grace';
    await storage.setItem(id, context);
    const full = await loadFull(storage, id);
    assert.deepEqual(full.requests.get(3), { text: 'edited in place' });
    assert.deepEqual(full.misc, { profile: { name: 'Grace' } });

    // What a save wrote is what later in-place changes are compared with.
    const item = { text: 'second version' };
    context.requests.set(2, item);
    await storage.setItem(id, context);
    item.text = `request 2 of ${id}`; // back to what was loaded
    await storage.setItem(id, context);
    assert.deepEqual(
      (await loadFull(storage, id)).requests.get(2),
      { text: `request 2 of ${id}` },
      'requests[2], saved, then mutated in place back to its loaded value, was not saved',
    );
  });

  test('a saved context can be saved again, and again', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = await saveDialog(storage, id, 1);
    for (let round = 2; round <= 6; round++) {
      context.addTurn({ request: `round ${round}` });
      await storage.setItem(id, context);
      assert.equal(context.version, round);
    }
    const full = await loadFull(storage, id);
    assert.equal(full.version, 6);
    assert.deepEqual(full.requests.keys(), range(1, 6));
  });
};
