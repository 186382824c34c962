import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, dialog, randomId, sleep } from './fixtures.js';
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
      const [id, kept] = [randomId('short'), randomId('kept')];
      const before = Date.now();
      await storage.setItem(id, dialog(id, 2), { ttlMs: TTL });
      await storage.setItem(kept, dialog(kept, 1));
      const loaded = await storage.getItem(id);
      assert.ok(loaded?.expiresAt !== undefined, 'a context with a TTL reports expiresAt');
      assert.ok(loaded.expiresAt >= before + TTL && loaded.expiresAt <= Date.now() + TTL);
      assert.equal(await storage.contains(id), true);
      await sleep(TTL + 300);
      assert.equal(await storage.contains(id), false);
      assert.equal(await storage.getItem(id), undefined);
      assert.deepEqual(await storage.getItems([id, kept]).then((all) => all.map((c) => c?.id)), [
        undefined,
        kept,
      ]);
      assert.equal(await storage.len(), 1);
      if (storage.capabilities.listIds) assert.deepEqual(await collect(storage.ids()), [kept]);
    },
    ['ttl'],
  );

  test(
    'an expired context is gone from the backend itself',
    async ({ open, hooks }) => {
      const storage = await open();
      const id = randomId();
      await storage.setItem(id, dialog(id, 1), { ttlMs: TTL });
      assert.notEqual(await hooks.readRaw!(storage, id), undefined);
      await sleep(TTL + 300);
      assert.equal(await hooks.readRaw!(storage, id), undefined, 'the backend still holds it');
    },
    ['ttl', 'hook:readRaw'],
  );

  test(
    'the storage default TTL applies to every write',
    async ({ open }) => {
      const storage = await open({ ttlMs: TTL });
      const id = randomId();
      await storage.update(id, (context) => {
        context.misc.seen = true;
      });
      assert.equal(await storage.contains(id), true);
      await sleep(TTL + 300);
      assert.equal(await storage.contains(id), false);
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
      assert.ok(loaded);
      loaded.addTurn({ request: 'keep me alive' });
      await storage.setItem(id, loaded, { ttlMs: SLIDING_TTL });
      await sleep(SLIDING_TTL / 2 + 100); // past the first expiry, 400 ms before the renewed one
      assert.equal(await storage.contains(id), true, 'the second write must renew the TTL');
      await sleep(SLIDING_TTL);
      assert.equal(await storage.contains(id), false);
    },
    ['ttl'],
  );

  test(
    'a write without TTL makes the context permanent',
    async ({ open }) => {
      const storage = await open({ ttlMs: TTL });
      const id = randomId();
      await storage.setItem(id, new Context(id));
      const loaded = await storage.getItem(id);
      assert.ok(loaded);
      loaded.misc.pinned = true;
      await storage.setItem(id, loaded, { ttlMs: null });
      assert.equal((await storage.getItem(id))?.expiresAt, undefined);
      await sleep(TTL + 300);
      assert.equal(await storage.contains(id), true);
    },
    ['ttl'],
  );

  test(
    'an expired context is created anew by update, not reported as a conflict',
    async ({ open }) => {
      const storage = await open();
      const id = randomId();
      await storage.setItem(id, dialog(id, 3, { old: true }), { ttlMs: TTL });
      await sleep(TTL + 300);
      const created = await storage.update(id, (context) => {
        context.addTurn({ request: 'new session' });
      });
      assert.equal(created.version, 1);
      const stored = await storage.getItem(id, { latest: 'all' });
      assert.deepEqual(stored?.misc, {});
      assert.deepEqual(stored?.requests.keys(), [1]);
      assert.equal(
        stored?.requests.get(1),
        'new session',
        'no turn of the expired context survives',
      );
    },
    ['ttl'],
  );

  test('invalid TTLs are refused', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    for (const ttlMs of [0, -5, 1.5, Number.NaN]) {
      await assert.rejects(storage.setItem(id, new Context(id), { ttlMs }), {
        code: 'INVALID_ARGUMENT',
      });
    }
    assert.equal(await storage.contains(id), false);
  });
};
