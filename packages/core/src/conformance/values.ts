import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { binaryCodec, loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

class Session {
  constructor(readonly user: string) {}
}

/** Values: several-MB payloads, unicode, and values the codec must refuse without writing. */
export const values: TestGroup = ({ test }) => {
  test('values of several MB round-trip', async ({ open }) => {
    const storage = await open();
    const id = randomId('huge');
    const bigText = 'long message 🤖 '.repeat(200_000); // ~3.4 MB of UTF-16, more in UTF-8
    const bigMisc = { rows: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `row ${i}` })) };
    const context = new Context(id, { misc: bigMisc });
    context.addTurn({ request: { text: bigText }, response: 'ok' });
    await storage.setItem(id, context);
    const loaded = await loadFull(storage, id);
    assert.equal((loaded.requests.get(1) as { text: string }).text.length, bigText.length);
    assert.equal((loaded.requests.get(1) as { text: string }).text, bigText);
    assert.deepEqual(loaded.misc, bigMisc);
  });

  test('unicode, empty and nested values round-trip exactly', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const misc = {
      empty: '',
      emptyObject: {},
      emptyList: [],
      nested: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } },
      unicode: 'Grüße, 世界, 🤖, \u0000, \u2028',
      numbers: [0, -1, 1.5, Number.MAX_SAFE_INTEGER, -1e-300],
      flags: [true, false, null],
    };
    const context = new Context(id, { misc });
    context.addTurn({ request: '', label: null, response: 0 });
    await storage.setItem(id, context);
    const loaded = await loadFull(storage, id);
    assert.deepEqual(loaded.misc, misc);
    assert.equal(loaded.requests.get(1), '');
    assert.equal(loaded.labels.get(1), null);
    assert.equal(loaded.labels.has(1), true);
    assert.equal(loaded.responses.get(1), 0);
  });

  test('binary payloads (not UTF-8) round-trip byte for byte', async ({ open }) => {
    const storage = await open({ codec: binaryCodec });
    const id = randomId();
    await saveDialog(storage, id, 6, { note: 'binary' });
    const context = await storage.getItem(id, { latest: 2 });
    assert.deepEqual(context?.misc, { note: 'binary' });
    assert.deepEqual(context?.requests.get(6), { text: `request 6 of ${id}` });
    assert.deepEqual(await context?.requests.fetch(1), { text: `request 1 of ${id}` });
    context!.addTurn({ response: 'seventh' });
    await storage.setItem(id, context!);
    const [full] = await storage.getItems([id], { latest: 'all' });
    assert.equal(full?.responses.get(7), 'seventh');
    assert.equal(full?.labels.size, 6);
  });

  test('main info that could not be read back is refused; nothing is written', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = await saveDialog(storage, id, 1);
    context.currentTurnId = Number.NaN;
    await rejectsWith(storage.setItem(id, context), 'INVALID_ARGUMENT');
    context.currentTurnId = 1;
    context.misc = null as unknown as Record<string, unknown>;
    await rejectsWith(storage.setItem(id, context), 'INVALID_ARGUMENT');
    const fresh = new Context(randomId(), { createdAt: Number.NaN });
    await rejectsWith(storage.setItem(fresh.id, fresh), 'INVALID_ARGUMENT');
    assert.equal((await loadFull(storage, id)).version, 1);
    assert.equal(await storage.len(), 1);
  });

  test('a value the codec cannot round-trip is refused with its path; nothing is written', async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    const saved = await saveDialog(storage, id, 1, { ok: true });

    saved.misc.callback = () => 'not storable';
    const miscError = await rejectsWith(storage.setItem(id, saved), 'CODEC');
    assert.equal((miscError as unknown as { path: string }).path, 'misc.callback');
    delete saved.misc.callback;

    saved.addTurn({ request: { session: new Session('ada') } });
    const itemError = await rejectsWith(storage.setItem(id, saved), 'CODEC');
    assert.equal((itemError as unknown as { path: string }).path, 'requests[2].session');

    const fresh = new Context(randomId('symbol'), { misc: { tag: Symbol('not storable') } });
    await rejectsWith(storage.setItem(fresh.id, fresh), 'CODEC');
    assert.equal(await storage.contains(fresh.id), false);

    const stored = await loadFull(storage, id);
    assert.equal(stored.version, 1, 'a refused save must not write anything');
    assert.equal(stored.currentTurnId, 1);
    assert.deepEqual(stored.misc, { ok: true });
  });
};
