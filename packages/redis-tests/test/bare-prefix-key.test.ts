import { collect, dialog, randomId } from '@context-storage/core/conformance';
import { MAIN_FIELD, RedisKeyspace } from '@context-storage/redis-layout';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, randomPrefix, rawClient, TOPOLOGIES, topologyUri } from './matrix.js';

// `<prefix>::` matches the storage's SCAN pattern, but no context has the empty id: it is not one
// of the storage's keys, whatever it holds.
for (const row of ADAPTERS) {
  describe.each(TOPOLOGIES)(`${row.name} (%s): the bare key <prefix>::`, (topology) => {
    it('is not counted, listed nor cleared', async () => {
      const prefix = randomPrefix();
      const bare = new RedisKeyspace(prefix).key('');
      const raw = rawClient(topology);
      // Shaped like a context, so that only its name tells it apart.
      await raw.hset(bare, MAIN_FIELD.version, '1', MAIN_FIELD.turn, '0', MAIN_FIELD.misc, '{}');
      const storage = await row.connect(topologyUri(topology), { prefix });
      try {
        const ids = [randomId(), randomId(), randomId()];
        await storage.setItems(ids.map((id) => [id, dialog(id, 1)] as const));
        expect(await storage.len()).toBe(3);
        expect((await collect(storage.ids({ pageSize: 2 }))).sort()).toEqual([...ids].sort());
        await storage.clear();
        expect(await storage.len()).toBe(0);
        expect(await raw.hget(bare, MAIN_FIELD.version)).toBe('1');
      } finally {
        await raw.del(bare);
        await storage.close();
      }
    });
  });
}
