import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, dialog, randomId, rejectsWith, sleep } from './fixtures.js';
import type { TestGroup } from './suite.js';

// Generous margins: expiry is checked 300+ ms after it is due; the renewal test leaves 400+ ms.
const TTL = 600;
const SLIDING_TTL = 1_000;

/** Time to live: per call, per storage, sliding on every write, removed by a write without one. */
export const ttl: TestGroup = ({ test }) => {
  test(
    'a context saved with ttlMs expires',
    async ({ open }) => {
      const storage = await open();
      // Ids that sort before `kept`: a listing in id order meets the expired ones first.
      const [id, untouched, kept] = [randomId('expiring'), randomId('expiring'), randomId('kept')];
      const before = Date.now();
      const saved = dialog(id, 4);
      await storage.setItem(id, saved, { ttlMs: TTL });
      assert.ok(
        saved.expiresAt !== undefined &&
          saved.expiresAt >= before + TTL &&
          saved.expiresAt <= Date.now() + TTL,
        `saved with ttlMs: ${TTL}, a context must report when it expires, not ${saved.expiresAt}`,
      );
      await storage.setItem(untouched, dialog(untouched, 1), { ttlMs: TTL });
      const permanent = dialog(kept, 1);
      await storage.setItem(kept, permanent);
      assert.equal(
        permanent.expiresAt,
        undefined,
        'after setItem without a TTL, context.expiresAt is undefined',
      );
      const loaded = await storage.getItem(id, { latest: 1 });
      assert.ok(
        loaded?.expiresAt !== undefined,
        `getItem of a context saved with ttlMs: ${TTL} reports its expiresAt`,
      );
      assert.ok(
        loaded.expiresAt >= before + TTL && loaded.expiresAt <= Date.now() + TTL,
        `getItem of a context saved with ttlMs: ${TTL} at ${before} reports expiresAt ${loaded.expiresAt}, not about ${before + TTL}`,
      );
      assert.equal(
        await storage.contains(id),
        true,
        `before its ttlMs: ${TTL} runs out, contains('${id}') is true`,
      );
      await sleep(TTL + 300);
      // Each first look at an expired context below is one nothing has touched since it expired:
      // a backend that expires lazily must not see it either.
      assert.equal(await storage.len(), 1, 'after expiry, len() counted expired contexts');
      assert.equal(
        await loaded.requests.fetch(2),
        undefined,
        'after expiry, requests.fetch(2) of the expired context still returns a turn',
      );
      assert.equal(
        await storage.delItem(untouched),
        false,
        'after expiry, delItem reported the expired context as existing',
      );
      if (storage.capabilities.listIds) {
        assert.deepEqual(
          await collect(storage.ids({ pageSize: 1 })),
          [kept],
          'after expiry, ids() must list exactly the live contexts, page after page',
        );
      }
      assert.equal(await storage.contains(id), false, `after expiry, contains('${id}') is false`);
      assert.equal(
        await storage.getItem(id),
        undefined,
        `after expiry, getItem('${id}') is undefined`,
      );
      assert.deepEqual(
        await storage.getItems([id, kept]).then((all) => all.map((c) => c?.id)),
        [undefined, kept],
        `after expiry, getItems(['${id}', '${kept}']) finds only the permanent one`,
      );
      assert.equal(await storage.len(), 1, 'after expiry, len() counts the permanent context: 1');
      if (storage.capabilities.listIds) {
        assert.deepEqual(
          await collect(storage.ids()),
          [kept],
          `after expiry, ids() yields only the permanent '${kept}'`,
        );
      }
    },
    ['ttl'],
  );

  test(
    'an expired context is gone from the backend itself',
    async ({ open, hooks }) => {
      const storage = await open();
      const id = randomId();
      await storage.setItem(id, dialog(id, 1), { ttlMs: TTL });
      assert.notEqual(
        await hooks.readRaw!(storage, id),
        undefined,
        `after setItem('${id}') with ttlMs: ${TTL}, readRaw sees its data`,
      );
      await sleep(TTL + 300);
      assert.equal(
        await hooks.readRaw!(storage, id),
        undefined,
        `${TTL + 300} ms after setItem('${id}') with ttlMs: ${TTL}, readRaw still finds data of it in the backend`,
      );
    },
    ['ttl', 'hook:readRaw'],
  );

  test(
    'the storage default TTL applies to every write; a per-call ttlMs overrides it',
    async ({ open }) => {
      const storage = await open({ ttlMs: TTL });
      const [id, longer] = [randomId(), randomId('longer')];
      await storage.update(id, (context) => {
        context.misc.seen = true;
      });
      assert.equal(
        await storage.len(),
        1,
        'after update() on a storage with a default TTL, len() counts the live context: 1',
      );
      const before = Date.now();
      await storage.setItem(longer, new Context(longer), { ttlMs: 60_000 });
      const expiresAt = (await storage.getItem(longer))?.expiresAt;
      assert.ok(
        expiresAt !== undefined && expiresAt >= before + 60_000,
        `setItem with ttlMs: 60000 on a storage whose TTL is ${TTL} ms expires at ${expiresAt}, ${before + 60_000} at the earliest`,
      );
      assert.equal(
        await storage.contains(id),
        true,
        `before the storage's ttlMs: ${TTL} runs out, contains('${id}') is true`,
      );
      await sleep(TTL + 300);
      assert.equal(
        await storage.contains(id),
        false,
        `${TTL + 300} ms after update('${id}') on a storage opened with ttlMs: ${TTL}, contains is still true: the default TTL was not applied`,
      );
      assert.equal(
        await storage.contains(longer),
        true,
        `${TTL + 300} ms after setItem('${longer}') with ttlMs: 60000, contains is false: the per-call ttlMs was not applied`,
      );
    },
    ['ttl'],
  );

  test(
    'every write renews the TTL (sliding expiry)',
    async ({ open }) => {
      const storage = await open();
      const id = randomId();
      await storage.setItem(id, dialog(id, 1), { ttlMs: SLIDING_TTL });
      await sleep(SLIDING_TTL / 2 + 50);
      const loaded = await storage.getItem(id);
      assert.ok(loaded, `getItem('${id}') halfway through its TTL finds it`);
      loaded.addTurn({ request: 'keep me alive' });
      await storage.setItem(id, loaded, { ttlMs: SLIDING_TTL });
      await sleep(SLIDING_TTL / 2 + 100); // past the first expiry, 400 ms before the renewed one
      assert.equal(
        await storage.contains(id),
        true,
        `after a second setItem('${id}') with ttlMs: ${SLIDING_TTL} halfway through the first, contains is false past the first expiry: the write did not renew the TTL`,
      );
      await sleep(SLIDING_TTL);
      assert.equal(
        await storage.contains(id),
        false,
        `after the renewed ttlMs: ${SLIDING_TTL} ran out, contains('${id}') is false`,
      );
    },
    ['ttl'],
  );

  test(
    'a write without TTL makes the context permanent',
    async ({ open }) => {
      const storage = await open({ ttlMs: TTL });
      const [id, overwritten] = [randomId('pinned'), randomId('overwritten')];
      await storage.setItem(id, new Context(id));
      await storage.setItem(overwritten, new Context(overwritten));
      const loaded = await storage.getItem(id);
      assert.ok(loaded, `getItem('${id}') after setItem finds it`);
      loaded.misc.pinned = true;
      await storage.setItem(id, loaded, { ttlMs: null }); // an incremental save
      assert.equal(
        loaded.expiresAt,
        undefined,
        'after setItem with ttlMs: null, context.expiresAt is undefined',
      );
      await storage.setItem(overwritten, new Context(overwritten), { ttlMs: null }); // an overwrite
      assert.equal(
        (await storage.getItem(id))?.expiresAt,
        undefined,
        'after setItem with ttlMs: null, getItem still reports an expiresAt',
      );
      assert.equal(
        (await storage.getItem(overwritten))?.expiresAt,
        undefined,
        'after setItem of a new context with ttlMs: null over one with a TTL, getItem still reports the old expiresAt',
      );
      await sleep(TTL + 300);
      assert.equal(
        await storage.contains(id),
        true,
        `after setItem with ttlMs: null following one with a TTL, contains('${id}') is false: it expired`,
      );
      assert.equal(
        await storage.contains(overwritten),
        true,
        `after setItem of a new context with ttlMs: null over one with a TTL, contains('${overwritten}') is false: it expired with the old TTL`,
      );
    },
    ['ttl'],
  );

  test(
    'an expired context is created anew by update and by setItem, not reported as a conflict',
    async ({ open }) => {
      const storage = await open();
      const [id, overwritten] = [randomId(), randomId('overwritten')];
      await storage.setItem(id, dialog(id, 3, { old: true }), { ttlMs: TTL });
      await storage.setItem(overwritten, dialog(overwritten, 3), { ttlMs: TTL });
      await sleep(TTL + 300);
      const created = await storage.update(id, (context) => {
        context.addTurn({ request: 'new session' });
      });
      const after = `after update('${id}') of an expired context`;
      assert.equal(created.version, 1, `${after}, it resolves a new context at version 1`);
      const stored = await storage.getItem(id, { latest: 'all' });
      assert.deepEqual(stored?.misc, {}, `${after}, getItem returns an empty misc`);
      assert.deepEqual(stored?.requests.keys(), [1], `${after}, getItem holds only the new turn`);
      assert.equal(
        stored?.requests.get(1),
        'new session',
        `${after}, getItem returns the new turn 1, no turn of the expired context`,
      );
      const replacement = new Context(overwritten);
      await storage.setItem(overwritten, replacement);
      assert.equal(
        replacement.version,
        1,
        'setItem of a new context over an expired one starts again at version 1',
      );
    },
    ['ttl'],
  );

  test('invalid TTLs are refused', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    for (const ttlMs of [0, -5, 1.5, Number.NaN]) {
      const error = await rejectsWith(
        storage.setItem(id, new Context(id), { ttlMs }),
        'INVALID_ARGUMENT',
        `setItem with ttlMs: ${ttlMs}`,
      );
      assert.match(
        error.message,
        /ttlMs/,
        `the INVALID_ARGUMENT of setItem with ttlMs: ${ttlMs} names ttlMs`,
      );
    }
    assert.equal(
      await storage.contains(id),
      false,
      `after setItem('${id}') refused for invalid TTLs, contains is false`,
    );
  });
};
