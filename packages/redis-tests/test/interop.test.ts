import { dialog, randomId } from '@context-storage/core/conformance';
import { RedisKeyspace } from '@context-storage/redis-layout';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, randomPrefix, rawClient, topologyUri } from './matrix.js';

// Both adapters write one layout: a context saved through one is loaded, updated and deleted
// through the other, with every turn, misc value and TTL intact, and keeps its version check.
const PAIRS = ADAPTERS.flatMap((writer) =>
  ADAPTERS.filter((reader) => reader !== writer).map((reader) => [writer, reader] as const),
);

describe.each(['standalone', 'cluster'] as const)('interoperability (%s)', (topology) => {
  it.each(PAIRS.map(([writer, reader]) => [writer.name, reader.name, writer, reader] as const))(
    'saved through %s, used through %s, and back',
    async (_writerName, _readerName, writer, reader) => {
      const prefix = randomPrefix();
      const [first, second] = [
        await writer.connect(topologyUri(topology), { prefix }),
        await reader.connect(topologyUri(topology), { prefix }),
      ];
      try {
        expect(second.location).toBe(first.location);
        const id = randomId();
        const original = dialog(id, 40, { user: { name: 'Ada', tags: ['a', 'b'] }, n: 7 });
        original.frameworkData = { node: 'greeting' };
        await first.setItem(id, original, { ttlMs: 120_000 });

        const loaded = await second.getItem(id, { latest: 'all' });
        expect(loaded?.toJSON()).toEqual(original.toJSON());
        expect(loaded?.expiresAt).toBe(original.expiresAt);

        loaded!.addTurn({ request: 'through the other client', response: 'ok' });
        loaded!.misc.n = 8;
        await second.setItem(id, loaded!, { ttlMs: 120_000 }); // incremental, version-checked
        const stale = await first.getItem(id);
        await second.update(id, (context) => void context.addTurn({ request: 'and again' }), {
          ttlMs: 120_000,
        });
        stale!.addTurn({ request: 'stale' });
        await expect(first.setItem(id, stale!)).rejects.toMatchObject({ code: 'CONFLICT' });

        const back = await first.getItem(id, { latest: 'all' });
        expect(back?.version).toBe(3);
        expect(back?.currentTurnId).toBe(42);
        expect(back?.requests.get(41)).toBe('through the other client');
        expect(back?.requests.get(20)).toEqual({ text: `request 20 of ${id}` });
        expect(back?.misc).toEqual({ user: { name: 'Ada', tags: ['a', 'b'] }, n: 8 });
        expect(back?.frameworkData).toEqual({ node: 'greeting' });
        const ttl = await rawClient(topology).pttl(new RedisKeyspace(prefix).key(id));
        expect(ttl).toBeGreaterThan(100_000);
        expect(back?.expiresAt).toBeGreaterThan(Date.now() + 100_000);

        expect(await second.delItem(id)).toBe(true);
        expect(await first.contains(id)).toBe(false);
      } finally {
        await first.close();
        await second.close();
      }
    },
  );
});
