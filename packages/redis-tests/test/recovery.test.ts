import { dialog, randomId } from '@context-storage/core/conformance';
import { killServer, restartServer } from '@context-storage/redis-test-servers';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, processesOf, randomPrefix, topologyUri } from './matrix.js';

// The standalone server goes away under a live storage and comes back: the same storage object
// works again, without being recreated.
for (const row of ADAPTERS) {
  describe(`${row.name} (standalone) across a server restart`, () => {
    const [server] = processesOf('standalone');

    it.skipIf(server === undefined)('a restart (data saved) keeps every context', async () => {
      const storage = await row.connect(topologyUri('standalone'), { prefix: randomPrefix() });
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, 5));
        await restartServer(server!, { save: true });
        const context = await storage.getItem(id, { latest: 'all' });
        expect(context?.requests.size).toBe(5);
        context!.addTurn({ request: 'after the restart' });
        await storage.setItem(id, context!);
        expect(await storage.len()).toBe(1);
      } finally {
        await storage.close();
      }
    });

    it.skipIf(server === undefined)(
      'a crash (killed, restarted empty): later calls succeed',
      async () => {
        const storage = await row.connect(topologyUri('standalone'), { prefix: randomPrefix() });
        try {
          const id = randomId();
          await storage.setItem(id, dialog(id, 2));
          await killServer(server!);
          await expect(storage.getItem(id)).rejects.toMatchObject({ code: 'CONNECTION' });
          await restartServer(server!, { save: false });
          // Nothing was persisted: the context is gone, and the storage goes on by itself.
          await expect.poll(() => storage.contains(id), { timeout: 10_000 }).toBe(false);
          await storage.update(id, (context) => void context.addTurn({ request: 'fresh start' }));
          expect((await storage.getItem(id))?.requests.get(1)).toBe('fresh start');
        } finally {
          await storage.close();
        }
      },
    );
  });
}
