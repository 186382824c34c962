import assert from 'node:assert/strict';
import { loadFull, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { CorruptionTarget, TestGroup } from './suite.js';

const TARGETS: { name: string; target: CorruptionTarget; part: RegExp }[] = [
  { name: 'main info', target: 'main', part: /^main/ },
  { name: 'misc', target: 'misc', part: /^misc$/ },
  { name: 'a turn item', target: { field: 'requests', turnId: 3 }, part: /^requests\[3\]$/ },
];

/** Damaged stored data raises CORRUPT_DATA for that context only, and can be deleted. */
export const corrupt: TestGroup = ({ test }) => {
  for (const { name, target, part } of TARGETS) {
    test(
      `corrupt ${name} raises CORRUPT_DATA for that id only`,
      async ({ open, hooks }) => {
        const storage = await open();
        const [damaged, healthy] = [randomId('damaged'), randomId('healthy')];
        await saveDialog(storage, damaged, 3);
        await saveDialog(storage, healthy, 3);
        await hooks.corrupt!(storage, damaged, target);

        const error = await rejectsWith(
          storage.getItem(damaged, { latest: 'all' }),
          'CORRUPT_DATA',
        );
        assert.equal((error as unknown as { id: string }).id, damaged);
        assert.match((error as unknown as { part: string }).part, part);
        assert.match(
          error.message,
          /: \S/,
          'the error must say what is wrong with the damaged part',
        );
        const batchError = await rejectsWith(
          storage.getItems([healthy, damaged], { latest: 'all' }),
          'CORRUPT_DATA',
        );
        assert.equal((batchError as unknown as { id: string }).id, damaged);

        assert.equal((await loadFull(storage, healthy)).currentTurnId, 3);
        assert.equal(await storage.contains(damaged), true);
        assert.equal(await storage.len(), 2);
        assert.equal(await storage.delItem(damaged), true);
        assert.equal(await storage.contains(damaged), false);
        await saveDialog(storage, damaged, 1);
        assert.equal((await loadFull(storage, damaged)).currentTurnId, 1);
      },
      ['hook:corrupt'],
    );
  }

  test(
    'a corrupt item outside the loaded window fails only when fetched',
    async ({ open, hooks }) => {
      const storage = await open();
      const id = randomId();
      await saveDialog(storage, id, 10);
      await hooks.corrupt!(storage, id, { field: 'requests', turnId: 3 });
      const context = await storage.getItem(id, { latest: 2 });
      assert.ok(context, 'the latest turns are intact and load');
      assert.deepEqual(await context.requests.fetch(4), { text: `request 4 of ${id}` });
      await rejectsWith(context.requests.fetch(3), 'CORRUPT_DATA');
    },
    ['hook:corrupt'],
  );
};
