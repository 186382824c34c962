import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** A backend that goes away: typed errors, nothing lost, recovery without a new storage. */
export const outage: TestGroup = ({ test }) => {
  test(
    'while the backend is down every call fails with CONNECTION; after it returns, nothing is lost',
    async ({ open, hooks }) => {
      const storage = await open();
      const [id, other] = [randomId(), randomId()];
      await saveDialog(storage, id, 3, { before: true });
      await saveDialog(storage, other, 1);
      const loaded = await storage.getItem(id, { latest: 0 });
      assert.ok(loaded);

      const restore = await hooks.makeUnavailable!(storage);
      try {
        loaded.addTurn({ request: 'during outage' });
        const calls: [string, () => Promise<unknown>][] = [
          ['getItem', () => storage.getItem(id)],
          ['getItems', () => storage.getItems([id, other])],
          ['contains', () => storage.contains(id)],
          ['setItem', () => storage.setItem(id, loaded)],
          ['setItems', () => storage.setItems([[other, new Context(other)]])],
          ['update', () => storage.update(randomId(), () => {})],
          ['delItem', () => storage.delItem(id)],
          ['delItems', () => storage.delItems([id, other])],
          ['len', () => storage.len()],
          ['clear', () => storage.clear()],
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

      const after = await loadFull(storage, id);
      assert.deepEqual(after.misc, { before: true });
      assert.equal(after.currentTurnId, 3, 'a failed save must not have written anything');
      assert.equal(await storage.len(), 2, 'a failed delete or clear must not have deleted');
      await storage.setItem(id, loaded); // the same live context saves once the backend is back
      assert.equal((await loadFull(storage, id)).requests.get(4), 'during outage');
    },
    ['hook:makeUnavailable'],
  );
};
