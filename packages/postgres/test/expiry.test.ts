import { dialog, randomId } from '@context-storage/core/conformance';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA, type PostgresContextStorage } from '../src/index.js';
import { BACKENDS, type BackendRow } from './matrix.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function storedRows(row: BackendRow, storage: PostgresContextStorage): Promise<number> {
  const [result] = await (await row.raw()).query(
    `SELECT count(*)::int AS n FROM ${DEFAULT_SCHEMA}.contexts WHERE prefix = $1`,
    [storage.prefix],
  );
  return result!.n as number;
}

async function saveExpiring(storage: PostgresContextStorage, count: number, ttlMs: number) {
  await storage.setItems(
    Array.from({ length: count }, () => {
      const id = randomId();
      return [id, dialog(id, 2)] as const;
    }),
    { ttlMs },
  );
}

for (const row of BACKENDS) {
  describe(`${row.name}: expired contexts`, () => {
    it('are invisible at once, and each write deletes at most sweepLimit of them', async () => {
      const storage = await row.open({ sweepLimit: 10, sweepTimer: false });
      try {
        const kept = randomId('kept');
        await storage.setItem(kept, dialog(kept, 1));
        await saveExpiring(storage, 25, 150);
        await sleep(250);
        expect(await storage.len()).toBe(1);
        expect(await storedRows(row, storage)).toBe(26); // invisible, not yet deleted
        const context = (await storage.getItem(kept))!;
        for (const left of [16, 6, 1]) {
          context.addTurn({ request: 'tick' });
          await storage.setItem(kept, context);
          expect(await storedRows(row, storage)).toBe(left);
        }
      } finally {
        await storage.close();
      }
    });

    it('are deleted on a timer when nothing is written, in bounded sweeps', async () => {
      const storage = await row.open({ sweepLimit: 10 });
      try {
        await saveExpiring(storage, 25, 150);
        expect(await storedRows(row, storage)).toBe(25);
        // Due at 150 ms + 50 ms; three sweeps of at most 10, at least 250 ms apart.
        const deadline = Date.now() + 5000;
        while ((await storedRows(row, storage)) > 0 && Date.now() < deadline) await sleep(50);
        expect(await storedRows(row, storage)).toBe(0);
      } finally {
        await storage.close();
      }
    });
  });
}
