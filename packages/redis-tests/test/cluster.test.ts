import { dialog, randomId } from '@context-storage/core/conformance';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, randomPrefix, rawClient, topologyUri } from './matrix.js';

for (const row of ADAPTERS) {
  describe(`${row.name} (cluster)`, () => {
    it('a long context saved and reloaded keeps every turn', async () => {
      const storage = await row.connect(topologyUri('cluster'), { prefix: randomPrefix() });
      try {
        const id = randomId();
        const context = dialog(id, 1_500, { profile: { name: 'Ada' } });
        await storage.setItem(id, context);
        const loaded = await storage.getItem(id, { latest: 'all' });
        expect(loaded?.currentTurnId).toBe(1_500);
        for (const field of ['labels', 'requests', 'responses'] as const) {
          expect(loaded?.[field].size).toBe(1_500);
        }
        expect(loaded?.requests.get(777)).toEqual({ text: `request 777 of ${id}` });
        expect(loaded?.misc).toEqual({ profile: { name: 'Ada' } });
      } finally {
        await storage.close();
      }
    });

    it('batches spread over every node answer in input order', async () => {
      const storage = await row.connect(topologyUri('cluster'), { prefix: randomPrefix() });
      try {
        const ids = Array.from({ length: 200 }, (_, i) => `${i}-${randomId()}`);
        await storage.setItems(ids.map((id, i) => [id, dialog(id, 1, { i })] as const));
        // The keys really are spread: every master holds some.
        const raw = rawClient('cluster');
        await raw.ping();
        const perNode = await Promise.all(
          (raw as import('ioredis').Cluster)
            .nodes('master')
            .map((node) => node.keys(`${storage.prefix}::*`).then((keys) => keys.length)),
        );
        expect(perNode.every((count) => count > 0)).toBe(true);
        const reversed = [...ids].reverse();
        const loaded = await storage.getItems(reversed);
        expect(loaded.map((context) => context?.misc.i)).toEqual(reversed.map((_, i) => 199 - i));
        expect(await storage.delItems(ids)).toBe(200);
        expect(await storage.len()).toBe(0);
      } finally {
        await storage.close();
      }
    });
  });
}
