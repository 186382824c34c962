import { collect, dialog, randomId } from '@context-storage/core/conformance';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, randomPrefix, rawClient, topologyUri } from './matrix.js';

// clear(), len() and ids() stay inside the prefix: keys that merely look alike survive.
for (const row of ADAPTERS) {
  describe.each(['standalone', 'cluster'] as const)(`${row.name} (%s)`, (topology) => {
    it('clear() leaves every key beside the prefix untouched', async () => {
      const prefix = randomPrefix();
      const raw = rawClient(topology);
      const foreign = [`${prefix}:x`, `${prefix}x`, prefix, `other-${prefix}::x`, `x${prefix}::y`];
      for (const key of foreign) await raw.set(key, 'foreign');
      const storage = await row.connect(topologyUri(topology), { prefix });
      try {
        const ids = Array.from({ length: 30 }, () => randomId());
        await storage.setItems(ids.map((id) => [id, dialog(id, 2)] as const));
        expect(await storage.len()).toBe(30);
        expect((await collect(storage.ids({ pageSize: 7 }))).sort()).toEqual([...ids].sort());
        await storage.clear();
        expect(await storage.len()).toBe(0);
        for (const key of foreign) expect(await raw.get(key)).toBe('foreign');
      } finally {
        await raw.del(...foreign.map((key) => key)).catch(() => {
          // A cluster refuses a multi-key DEL across slots: delete one by one.
          return Promise.all(foreign.map((key) => raw.del(key)));
        });
        await storage.close();
      }
    });
  });
}
