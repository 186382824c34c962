import assert from 'node:assert/strict';
import { loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** A backend that goes away: typed errors, nothing lost, recovery without a new storage. */
export const outage: TestGroup = ({ test }) => {
  test(
    'while the backend is down calls fail with CONNECTION; after it returns, nothing is lost',
    async ({ open, hooks }) => {
      const storage = await open();
      const id = randomId();
      await saveDialog(storage, id, 3, { before: true });
      const loaded = await storage.getItem(id);
      assert.ok(loaded);

      const restore = await hooks.makeUnavailable!(storage);
      try {
        await rejectsWith(storage.getItem(id), 'CONNECTION');
        await rejectsWith(storage.contains(id), 'CONNECTION');
        loaded.addTurn({ request: 'during outage' });
        await rejectsWith(storage.setItem(id, loaded), 'CONNECTION');
        await rejectsWith(
          storage.update(randomId(), () => {}),
          'CONNECTION',
        );
        await rejectsWith(storage.len(), 'CONNECTION');
      } finally {
        await restore();
      }

      const after = await loadFull(storage, id);
      assert.deepEqual(after.misc, { before: true });
      assert.equal(after.currentTurnId, 3);
      await storage.setItem(id, loaded); // the same live context saves once the backend is back
      assert.equal((await loadFull(storage, id)).requests.get(4), 'during outage');
    },
    ['hook:makeUnavailable'],
  );
};
