import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { DEFAULT_LATEST } from '../storage-options.js';
import { found, loadedTurnIds, loadFull, randomId, range, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** Partial load: the latest N turns, all, by turn id on demand, gaps, turn order. */
export const partialLoad: TestGroup = ({ test }) => {
  test('a load holds the latest turns of each field, as configured', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 20);

    const byDefault = await storage.getItem(id);
    assert.ok(byDefault, `getItem('${id}') after setItem finds it`);
    const latest = range(21 - DEFAULT_LATEST, 20);
    assert.deepEqual(
      loadedTurnIds(byDefault),
      { labels: latest, requests: latest, responses: latest },
      `getItem of 20 turns with no options loads the default latest ${DEFAULT_LATEST} of each field`,
    );
    assert.equal(byDefault.currentTurnId, 20, 'getItem of 20 turns returns currentTurnId 20');

    const mixed = await storage.getItem(id, {
      latest: { labels: 1, requests: 'all', responses: 0 },
    });
    assert.ok(mixed, `getItem('${id}') with mixed windows finds it`);
    assert.deepEqual(
      loadedTurnIds(mixed),
      { labels: [20], requests: range(1, 20), responses: [] },
      "getItem with latest: { labels: 1, requests: 'all', responses: 0 } loads those windows",
    );
    // As JavaScript callers write it (TypeScript's exactOptionalPropertyTypes refuses it).
    const partly = await storage.getItem(id, {
      latest: { labels: 1, requests: undefined } as unknown as { labels: number },
    });
    assert.deepEqual(
      loadedTurnIds(found(partly, `getItem('${id}')`)),
      { labels: [20], requests: latest, responses: latest },
      'getItem with latest: { labels: 1, requests: undefined } loads the default window of requests',
    );

    const configured = await open({ latest: 5 });
    await saveDialog(configured, id, 8);
    const five = await configured.getItem(id);
    assert.deepEqual(
      five?.requests.keys(),
      range(4, 8),
      'getItem of a storage opened with latest: 5 loads the latest 5 requests',
    );
    assert.deepEqual(
      five?.latestTurns(2).map((turn) => turn.turnId),
      [7, 8],
      'latestTurns(2) of 8 turns returns turns 7 and 8',
    );
    assert.deepEqual(
      five?.latestTurns(2)[1],
      {
        turnId: 8,
        label: ['flow', 'node8'],
        request: { text: `request 8 of ${id}` },
        response: { text: 'response 8' },
      },
      'latestTurns(2) returns turn 8 with its label, request and response',
    );
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
    assert.equal(none, undefined, `getItems answers undefined for the missing '${missing}'`);
    assert.deepEqual(
      loadedTurnIds(found(nine, `getItems([..., '${long}', ...])[1]`)),
      { labels: range(1, 9), requests: [8, 9], responses: [] },
      "getItems with latest: { labels: 'all', requests: 2, responses: 0 } loads those windows of a 9-turn context",
    );
    assert.deepEqual(
      loadedTurnIds(found(two, `getItems([..., '${short}'])[2]`)),
      { labels: [1, 2], requests: [1, 2], responses: [] },
      'in one getItems with a 9-turn context, a 2-turn context loads its own latest 2 requests',
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
    assert.equal(
      reaching?.responses.get(0),
      'welcome',
      'getItem with latest: 3 at turn 2 loads responses[0]',
    );
    const beyond = await storage.getItem(id, { latest: 50 });
    assert.deepEqual(
      beyond?.responses.keys(),
      [0, 1, 2],
      'getItem with latest: 50 at turn 2 loads responses 0 to 2',
    );
    const all = await storage.getItem(id, { latest: 'all' });
    assert.deepEqual(
      all?.responses.keys(),
      [0, 1, 2],
      "getItem with latest: 'all' loads responses 0 to 2",
    );
    const short = found(await storage.getItem(id, { latest: 2 }), `getItem('${id}')`);
    assert.deepEqual(
      short.responses.keys(),
      [1, 2],
      'getItem with latest: 2 at turn 2 loads responses 1 and 2',
    );
    assert.deepEqual(
      [...(await short.responses.fetchAll()).keys()],
      [0, 1, 2],
      'responses.fetchAll() returns responses 0 to 2, turn 0 included',
    );
  });

  test('older turns load on demand by turn id', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 30);
    const context = await storage.getItem(id, { latest: 2 });
    assert.ok(context, `getItem('${id}') with latest: 2 finds it`);
    assert.equal(
      context.requests.get(3),
      undefined,
      'getItem with latest: 2 of 30 turns does not load requests[3]',
    );
    assert.deepEqual(
      await context.requests.fetch(3),
      { text: `request 3 of ${id}` },
      'requests.fetch(3) of a turn outside the window returns the stored item',
    );
    assert.equal(
      await context.requests.fetch(99),
      undefined,
      'requests.fetch(99) of a turn never stored returns undefined',
    );
    const some = await context.labels.fetchMany([1, 2, 29, 77]);
    assert.deepEqual(
      [...some.keys()],
      [1, 2, 29],
      'labels.fetchMany([1, 2, 29, 77]) of 30 turns returns labels 1, 2 and 29',
    );
    const turns = await context.fetchTurns([10, 11, 500]);
    assert.deepEqual(
      turns.map((turn) => [turn.turnId, turn.response]),
      [
        [10, { text: 'response 10' }],
        [11, { text: 'response 11' }],
      ],
      'fetchTurns([10, 11, 500]) of 30 turns returns turns 10 and 11',
    );
    assert.equal(
      (await context.responses.fetchAll()).size,
      30,
      'responses.fetchAll() of 30 turns returns 30 responses',
    );
  });

  test('deleted items leave gaps, in windows and on demand', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 10);
    const context = await storage.getItem(id, { latest: 'all' });
    assert.ok(context, `getItem('${id}') after setItem finds it`);
    context.requests.delete(9);
    context.requests.delete(2);
    context.labels.delete(10);
    await storage.setItem(id, context);

    const after = 'after setItem deleting requests[2], requests[9] and labels[10]';
    const windowed = await storage.getItem(id, { latest: 3 });
    assert.deepEqual(
      windowed?.requests.keys(),
      [8, 10],
      `${after}, getItem with latest: 3 loads requests 8 and 10`,
    );
    assert.deepEqual(
      windowed?.labels.keys(),
      [8, 9],
      `${after}, getItem with latest: 3 loads labels 8 and 9`,
    );
    assert.equal(
      await windowed?.requests.fetch(2),
      undefined,
      `${after}, requests.fetch(2) returns undefined`,
    );
    assert.deepEqual(
      (await windowed?.fetchTurns([9]))?.map((turn) => Object.keys(turn).sort()),
      [['label', 'response', 'turnId']],
      `${after}, fetchTurns([9]) returns turn 9 without a request`,
    );
    const full = await loadFull(storage, id);
    assert.deepEqual(
      full.requests.keys(),
      [1, 3, 4, 5, 6, 7, 8, 10],
      `${after}, getItem with latest: 'all' loads every request but 2 and 9`,
    );
  });

  test('turns come back in turn order, whatever order they were set in', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = new Context(id);
    for (const turnId of [5, 2, 9, 1]) context.requests.set(turnId, `request ${turnId}`);
    assert.equal(
      context.currentTurnId,
      9,
      'requests.set(9) on a new context advances currentTurnId to 9',
    );
    context.labels.set(3, 'three');
    await storage.setItem(id, context);
    const loaded = await loadFull(storage, id);
    const after = 'after setItem of requests set in the order 5, 2, 9, 1';
    assert.equal(loaded.currentTurnId, 9, `${after}, getItem returns currentTurnId 9`);
    assert.deepEqual(
      loaded.requests.keys(),
      [1, 2, 5, 9],
      `${after}, requests.keys() is in turn order`,
    );
    assert.deepEqual(
      loaded.requests.entries().map(([turnId]) => turnId),
      [1, 2, 5, 9],
      `${after}, requests.entries() is in turn order`,
    );
    assert.deepEqual(
      loaded.requests.latest(2),
      [
        [5, 'request 5'],
        [9, 'request 9'],
      ],
      `${after}, requests.latest(2) returns turns 5 and 9`,
    );
    assert.deepEqual(
      loaded.requests.latest(1),
      [[9, 'request 9']],
      `${after}, requests.latest(1) returns turn 9`,
    );
    assert.deepEqual(loaded.requests.latest(0), [], `${after}, requests.latest(0) returns []`);
    assert.deepEqual(
      (await loaded.fetchTurns([9, 3, 1])).map((turn) => turn.turnId),
      [1, 3, 9],
      `${after}, fetchTurns([9, 3, 1]) answers in turn order`,
    );
  });

  test('fetching turns of a context deleted meanwhile finds nothing, without error', async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 5);
    const context = found(await storage.getItem(id, { latest: 1 }), `getItem('${id}')`);
    await storage.delItem(id);
    const after = `after delItem('${id}') of a loaded context`;
    assert.equal(
      await context.requests.fetch(2),
      undefined,
      `${after}, its requests.fetch(2) returns undefined`,
    );
    assert.deepEqual(
      await context.fetchTurns([1, 3]),
      [],
      `${after}, its fetchTurns([1, 3]) returns []`,
    );
    assert.deepEqual(
      [...(await context.labels.fetchAll()).keys()],
      [5],
      `${after}, its labels.fetchAll() returns only the loaded labels[5]`,
    );
  });
};
