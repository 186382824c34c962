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
      assert.ok(loaded);

      const restore = await hooks.makeUnavailable!(storage);
      try {
        loaded.addTurn({ request: 'during outage' });
        const calls: [string, () => Promise<unknown>][] = [
          ['getItem', () => storage.getItem(id)],
          ['getItems', () => storage.getItems([id, kept])],
          ['contains', () => storage.contains(id)],
          ['setItem', () => storage.setItem(id, loaded)],
          ['setItems', () => storage.setItems([[randomId(), new Context('x')]])],
          ['update', () => storage.update(randomId(), () => {})],
          ['delItem', () => storage.delItem(doomed)],
          ['delItems', () => storage.delItems([doomed, randomId()])],
          ['len', () => storage.len()],
          ['clear', () => other.clear()],
          ['ids', () => collect(storage.ids())],
          ['fetch', () => loaded.requests.fetch(1)],
        ];
        for (const [name, call] of calls) {
          if (name === 'ids' && !storage.capabilities.listIds) continue;
          await rejectsWith(call(), 'CONNECTION').catch((error: Error) => {
            throw new Error(`${name} during the outage: ${error.message}`);
          });
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
      assert.deepEqual(untouched.misc, { untouched: true }, 'data no failed call touched changed');
      assert.deepEqual(untouched.requests.keys(), [1, 2]);
      // The failed save may have landed after all; saving again either applies it or says it did.
      try {
        await storage.setItem(id, loaded);
      } catch (error) {
        assert.equal((error as { code?: unknown }).code, 'CONFLICT');
      }
      const saved = await loadFull(storage, id);
      assert.deepEqual(saved.misc, { before: true });
      assert.deepEqual(saved.requests.keys(), [1, 2, 3, 4]);
      assert.equal(saved.requests.get(4), 'during outage');
      assert.equal(saved.version, 2, 'the save applied exactly once');
    },
    ['hook:makeUnavailable'],
  );
};
