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

        const after = `after corrupt(${JSON.stringify(target)}) of '${damaged}'`;
        const error = await rejectsWith(
          storage.getItem(damaged, { latest: 'all' }),
          'CORRUPT_DATA',
          `getItem of '${damaged}' with corrupt ${name}`,
        );
        assert.equal(
          (error as unknown as { id: string }).id,
          damaged,
          `${after}, the CORRUPT_DATA of getItem names the id`,
        );
        assert.match(
          (error as unknown as { part: string }).part,
          part,
          `${after}, the CORRUPT_DATA of getItem names the damaged part`,
        );
        assert.match(
          error.message,
          /: \S/,
          `${after}, the CORRUPT_DATA message of getItem says what is wrong with the part`,
        );
        const batchError = await rejectsWith(
          storage.getItems([healthy, damaged], { latest: 'all' }),
          'CORRUPT_DATA',
          `getItems of a healthy id and '${damaged}' with corrupt ${name}`,
        );
        assert.equal(
          (batchError as unknown as { id: string }).id,
          damaged,
          `${after}, the CORRUPT_DATA of getItems names the damaged id, not the healthy one`,
        );

        assert.equal(
          (await loadFull(storage, healthy)).currentTurnId,
          3,
          `${after}, getItem('${healthy}') still loads its 3 turns`,
        );
        assert.equal(await storage.contains(damaged), true, `${after}, contains is true`);
        assert.equal(await storage.len(), 2, `${after}, len() still counts it: 2`);
        assert.equal(await storage.delItem(damaged), true, `${after}, delItem of it is true`);
        assert.equal(
          await storage.contains(damaged),
          false,
          `${after} and delItem, contains is false`,
        );
        await saveDialog(storage, damaged, 1);
        assert.equal(
          (await loadFull(storage, damaged)).currentTurnId,
          1,
          `${after}, delItem and setItem of a new context, getItem loads the new one`,
        );
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
      assert.ok(context, 'after corrupt of requests[3], getItem with latest: 2 still loads');
      assert.deepEqual(
        await context.requests.fetch(4),
        { text: `request 4 of ${id}` },
        'after corrupt of requests[3], requests.fetch(4) returns the intact item',
      );
      await rejectsWith(
        context.requests.fetch(3),
        'CORRUPT_DATA',
        'requests.fetch(3) of a corrupt item',
      );
    },
    ['hook:corrupt'],
  );
};
