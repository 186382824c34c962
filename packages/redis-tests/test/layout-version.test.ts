import { CorruptDataError } from '@context-storage/core';
import { dialog, randomId } from '@context-storage/core/conformance';
import { LAYOUT_VERSION, LayoutVersionError, MAIN_FIELD } from '@context-storage/redis-layout';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, contextKey, randomPrefix, rawClient, topologyUri } from './matrix.js';

/** The rejection of `promise`, failing the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('it went through'),
    (caught: unknown) => caught,
  );
}

// Each context records the layout version it was written in; one of another version is refused
// on load and on save, by both clients, and only that context is affected.
for (const row of ADAPTERS) {
  describe.each(['standalone', 'cluster'] as const)(`${row.name} (%s)`, (topology) => {
    it('stores the layout version in every context it creates', async () => {
      const storage = await row.connect(topologyUri(topology), { prefix: randomPrefix() });
      try {
        const [one, two] = [randomId(), randomId()];
        await storage.setItem(one, dialog(one, 2));
        await storage.setItems([[two, dialog(two, 1)]]);
        for (const id of [one, two]) {
          expect(await rawClient(topology).hget(contextKey(storage, id), MAIN_FIELD.layout)).toBe(
            String(LAYOUT_VERSION),
          );
        }
      } finally {
        await storage.close();
      }
    });

    it.each([
      ['an older layout version', '1'],
      ['no layout version (layout 1)', undefined],
    ])('refuses a context of %s, on load and on save, naming it', async (_, stored) => {
      const storage = await row.connect(topologyUri(topology), { prefix: randomPrefix() });
      try {
        const [old, fine] = [randomId(), randomId()];
        await storage.setItem(old, dialog(old, 3));
        await storage.setItem(fine, dialog(fine, 3));
        const loaded = await storage.getItem(old);
        const raw = rawClient(topology);
        const key = contextKey(storage, old);
        if (stored === undefined) await raw.hdel(key, MAIN_FIELD.layout);
        else await raw.hset(key, MAIN_FIELD.layout, stored);
        const before = await raw.hgetall(key);

        const onLoad = await rejection(storage.getItem(old));
        expect(onLoad).toBeInstanceOf(LayoutVersionError);
        expect(onLoad).toBeInstanceOf(CorruptDataError);
        expect(onLoad).toMatchObject({
          code: 'CORRUPT_DATA',
          id: old,
          part: 'main.layout',
          storedLayout: stored ?? '1',
        });
        expect((onLoad as Error).message).toContain(`layout version ${stored ?? '1'}`);

        loaded!.addTurn({ request: 'lost' });
        const onSave = await rejection(storage.setItem(old, loaded!));
        expect(onSave).toBeInstanceOf(LayoutVersionError);
        expect(onSave).toMatchObject({ id: old, storedLayout: stored ?? '1' });
        expect(await raw.hgetall(key)).toEqual(before); // nothing written

        expect((await storage.getItem(fine))?.currentTurnId).toBe(3);
        // A new context saved over it replaces it, in this layout.
        await storage.setItem(old, dialog(old, 1));
        expect((await storage.getItem(old))?.currentTurnId).toBe(1);
        expect(await raw.hget(key, MAIN_FIELD.layout)).toBe(String(LAYOUT_VERSION));
        expect(await storage.delItem(old)).toBe(true);
      } finally {
        await storage.close();
      }
    });
  });
}
