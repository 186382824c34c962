import assert from 'node:assert/strict';
import { type Codec, jsonCodec } from '../codec.js';
import { Context } from '../context.js';
import type { DBContextStorage } from '../storage.js';
import { binaryCodec, found, loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
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
    // Compared by hand: a diff of several MB would bury the sentence that says what went wrong.
    const text = (loaded.requests.get(1) as { text: string }).text;
    assert.equal(
      text.length,
      bigText.length,
      `after setItem of a ${bigText.length}-character request, getItem returns ${text.length} characters`,
    );
    if (text !== bigText) {
      let at = 0;
      while (text[at] === bigText[at]) at++;
      assert.fail(
        `after setItem of a ${bigText.length}-character request, getItem returns it changed from character ${at}`,
      );
    }
    const rows = (loaded.misc as { rows?: unknown[] }).rows ?? [];
    const badRow = bigMisc.rows.findIndex(
      (row, index) => JSON.stringify(rows[index]) !== JSON.stringify(row),
    );
    assert.ok(
      badRow === -1 && rows.length === bigMisc.rows.length,
      `after setItem of a misc of ${bigMisc.rows.length} rows, getItem returns ${rows.length} rows, the first wrong at index ${badRow}`,
    );
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
    const after = 'after setItem of unicode, empty and nested values, getItem';
    assert.deepEqual(loaded.misc, misc, `${after} returns the misc exactly`);
    assert.equal(loaded.requests.get(1), '', `${after} returns the empty request ''`);
    assert.equal(loaded.labels.get(1), null, `${after} returns the label null`);
    assert.equal(loaded.labels.has(1), true, `${after} keeps labels[1] = null as present`);
    assert.equal(loaded.responses.get(1), 0, `${after} returns the response 0`);
  });

  test('binary payloads (not UTF-8) round-trip byte for byte', async ({ open }) => {
    const storage = await open({ codec: binaryCodec });
    const id = randomId();
    await saveDialog(storage, id, 6, { note: 'binary' });
    const context = found(await storage.getItem(id, { latest: 2 }), `getItem('${id}')`);
    const binary = 'with a codec of binary payloads';
    assert.deepEqual(context.misc, { note: 'binary' }, `${binary}, getItem returns the misc`);
    assert.deepEqual(
      context.requests.get(6),
      { text: `request 6 of ${id}` },
      `${binary}, getItem returns requests[6]`,
    );
    assert.deepEqual(
      await context.requests.fetch(1),
      { text: `request 1 of ${id}` },
      `${binary}, requests.fetch(1) returns the stored item`,
    );
    context.addTurn({ response: 'seventh' });
    // Edited in place to bytes of the same length: only a byte-wise comparison sees the change.
    (context.requests.get(6) as { text: string }).text = `REQUEST 6 of ${id}`;
    await storage.setItem(id, context);
    const [full] = await storage.getItems([id], { latest: 'all' });
    assert.equal(
      full?.responses.get(7),
      'seventh',
      `${binary}, after a partial setItem, getItems returns the added responses[7]`,
    );
    assert.equal(
      full?.labels.size,
      6,
      `${binary}, after a partial setItem, getItems returns the 6 labels`,
    );
    assert.deepEqual(
      full?.requests.get(6),
      { text: `REQUEST 6 of ${id}` },
      'setItem did not save requests[6], edited in place to a payload of the same length',
    );
  });

  test('main info that could not be read back is refused; nothing is written', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const context = await saveDialog(storage, id, 1);
    const refused = async (what: string, named: RegExp, save: () => Promise<void>) => {
      const error = await rejectsWith(save(), 'INVALID_ARGUMENT', `setItem with ${what}`);
      assert.match(error.message, named, `the error of setItem with ${what} says what is wrong`);
    };
    for (const turnId of [Number.NaN, -1, 2.5]) {
      context.currentTurnId = turnId;
      await refused(`currentTurnId ${turnId}`, /currentTurnId/, () => storage.setItem(id, context));
    }
    context.currentTurnId = 1;
    for (const misc of [null, 'text', [1]]) {
      context.misc = misc as unknown as Record<string, unknown>;
      await refused(`misc ${JSON.stringify(misc)}`, /misc/, () => storage.setItem(id, context));
    }
    context.misc = {};
    context.frameworkData = [] as unknown as Record<string, unknown>;
    await refused('frameworkData []', /frameworkData/, () => storage.setItem(id, context));
    const fresh = new Context(randomId(), { createdAt: Number.NaN });
    await refused('createdAt NaN', /createdAt/, () => storage.setItem(fresh.id, fresh));
    assert.equal(
      (await loadFull(storage, id)).version,
      1,
      `after refused setItem('${id}') calls, getItem returns version 1: nothing was written`,
    );
    assert.equal(await storage.len(), 1, 'after refused setItem calls, len() is still 1');
  });

  test('turn ids that are not non-negative integers are refused with INVALID_ARGUMENT', async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    const context = await saveDialog(storage, id, 2);
    for (const turnId of [-1, 1.5, Number.NaN]) {
      assert.throws(
        () => context.requests.set(turnId, 'never stored'),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'INVALID_ARGUMENT', `requests.set(${turnId}) must be refused`);
          assert.match(
            error.message,
            /turn id/,
            `the error of requests.set(${turnId}) names the turn id`,
          );
          return true;
        },
        `requests.set(${turnId}) throws`,
      );
      await rejectsWith(context.labels.fetch(turnId), 'INVALID_ARGUMENT', `fetch(${turnId})`);
    }
    await storage.setItem(id, context);
    assert.deepEqual(
      (await loadFull(storage, id)).requests.keys(),
      [1, 2],
      'after refused requests.set calls, setItem stores requests 1 and 2 only',
    );
  });

  test('a codec failing with an error of its own is reported as CODEC, with path and cause', async ({
    open,
  }) => {
    const failure = new TypeError('this codec cannot encode a Session');
    const fussy: Codec = {
      name: 'conformance-fussy',
      encode(value, path) {
        if (value instanceof Session) throw failure;
        return jsonCodec.encode(value, path);
      },
      decode: (payload) => jsonCodec.decode(payload),
    };
    const storage = await open({ codec: fussy });
    const id = randomId();
    const context = new Context(id);
    context.addTurn({ request: new Session('ada') });
    const error = await refusedAt(
      storage,
      id,
      context,
      'a request the codec fails to encode',
      'requests[1]',
    );
    assert.match(
      error.message,
      /conformance-fussy/,
      'the CODEC error of setItem names the codec conformance-fussy',
    );
    assert.equal(error.cause, failure, "the CODEC error of setItem has the codec's error as cause");
    assert.equal(
      await storage.contains(id),
      false,
      `after a setItem('${id}') the codec failed, contains is false`,
    );
  });

  test('a value the codec cannot round-trip is refused with its path; nothing is written', async ({
    open,
  }) => {
    const storage = await open();
    const id = randomId();
    const saved = await saveDialog(storage, id, 1, { ok: true });

    saved.misc.callback = () => 'not storable';
    await refusedAt(storage, id, saved, 'a function in misc', 'misc.callback');
    delete saved.misc.callback;

    saved.frameworkData.callback = () => 'not storable';
    await refusedAt(storage, id, saved, 'a function in frameworkData', 'frameworkData.callback');
    delete saved.frameworkData.callback;

    saved.addTurn({ request: { session: new Session('ada') } });
    await refusedAt(storage, id, saved, 'a class instance in a request', 'requests[2].session');

    const fresh = new Context(randomId('symbol'), { misc: { tag: Symbol('not storable') } });
    await rejectsWith(
      storage.setItem(fresh.id, fresh),
      'CODEC',
      'setItem of a new context with a symbol in misc',
    );
    assert.equal(
      await storage.contains(fresh.id),
      false,
      `after a refused setItem('${fresh.id}'), contains is false`,
    );

    const stored = await loadFull(storage, id);
    const after = `after refused setItem('${id}') calls, getItem`;
    assert.equal(stored.version, 1, `${after} returns version 1: nothing was written`);
    assert.equal(stored.currentTurnId, 1, `${after} returns currentTurnId 1`);
    assert.deepEqual(stored.misc, { ok: true }, `${after} returns the misc saved before`);
  });
};

/**
 * Saves `context`, expecting a `CODEC` error whose path is `path` (`what` says what the context
 * holds, for the failure message); returns the error.
 */
async function refusedAt(
  storage: DBContextStorage,
  id: string,
  context: Context,
  what: string,
  path: string,
): Promise<Error> {
  const error = await rejectsWith(storage.setItem(id, context), 'CODEC', `setItem of ${what}`);
  assert.equal(
    (error as unknown as { path: string }).path,
    path,
    `the CODEC error of setItem names the path ${path}`,
  );
  return error;
}
