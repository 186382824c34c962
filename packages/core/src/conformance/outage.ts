import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, loadFull, randomId, rejectsWith, saveDialog, sleep } from './fixtures.js';
import type { TestGroup } from './suite.js';

/**
 * A backend that goes away: every call fails with a typed error in bounded time, and the storage
 * recovers by itself. A call that failed may still take effect later (a command already sent can
 * run once the backend is back), so the test checks what the contract promises: data no failed
 * call touched is intact, and retrying a version-checked save is safe.
 */
export const outage: TestGroup = ({ test }) => {
  test(
    'while the backend is down every call fails with CONNECTION; after it returns, nothing is lost',
    async ({ open, hooks }) => {
      const [storage, other] = [await open(), await open()];
      const [id, kept, doomed] = [randomId('saved'), randomId('kept'), randomId('doomed')];
      await saveDialog(storage, id, 3, { before: true });
      await saveDialog(storage, kept, 2, { untouched: true });
      await saveDialog(storage, doomed, 1);
      await saveDialog(other, randomId(), 1);
      const loaded = await storage.getItem(id, { latest: 0 });
      assert.ok(loaded, `getItem('${id}') after setItem finds it`);

      const restore = await hooks.makeUnavailable!(storage);
      try {
        loaded.addTurn({ request: 'during outage' });
        const calls: [string, () => Promise<unknown>][] = [
          ['getItem()', () => storage.getItem(id)],
          ['getItems()', () => storage.getItems([id, kept])],
          ['contains()', () => storage.contains(id)],
          ['setItem()', () => storage.setItem(id, loaded)],
          ['setItems()', () => storage.setItems([[randomId(), new Context('x')]])],
          ['update()', () => storage.update(randomId(), () => {})],
          ['delItem()', () => storage.delItem(doomed)],
          ['delItems()', () => storage.delItems([doomed, randomId()])],
          ['len()', () => storage.len()],
          ['clear()', () => other.clear()],
          ['ids()', () => collect(storage.ids())],
          ['requests.fetch(1)', () => loaded.requests.fetch(1)],
        ];
        for (const [name, call] of calls) {
          if (name === 'ids()' && !storage.capabilities.listIds) continue;
          await rejectsWith(call(), 'CONNECTION', `${name} while the backend is down`);
        }
      } finally {
        await restore();
      }

      // The storage recovers by itself (no new storage), if not instantly: a client may first
      // have to find the server again, e.g. through a sentinel.
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          await storage.contains(kept);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        await sleep(100);
      }

      const untouched = await loadFull(storage, kept);
      const after = 'after the outage';
      assert.deepEqual(
        untouched.misc,
        { untouched: true },
        `${after}, getItem('${kept}'), which no failed call touched, returns its misc`,
      );
      assert.deepEqual(
        untouched.requests.keys(),
        [1, 2],
        `${after}, getItem('${kept}'), which no failed call touched, holds its 2 turns`,
      );
      // The failed save may have landed after all; saving again either applies it or says it did.
      try {
        await storage.setItem(id, loaded);
      } catch (error) {
        assert.equal(
          (error as { code?: unknown }).code,
          'CONFLICT',
          `${after}, a retried setItem('${id}') succeeds or rejects with CONFLICT, not ${String(error)}`,
        );
      }
      const saved = await loadFull(storage, id);
      const retried = `${after} and a retried setItem('${id}'), getItem`;
      assert.deepEqual(saved.misc, { before: true }, `${retried} returns its misc`);
      assert.deepEqual(saved.requests.keys(), [1, 2, 3, 4], `${retried} holds turns 1 to 4`);
      assert.equal(saved.requests.get(4), 'during outage', `${retried} holds the added turn 4`);
      assert.equal(saved.version, 2, `${retried} returns version 2: the save applied exactly once`);
    },
    ['hook:makeUnavailable'],
  );
};
