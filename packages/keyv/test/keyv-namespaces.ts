import { collect, dialog, randomId } from '@context-storage/core/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyvContextStorage } from '../src/index.js';
import { type KeyvRelease, keyvRows, randomNamespace } from './stores.js';

/** clear() of one Keyv namespace leaves another namespace's data in place, on a shared store. */
export function describeNamespaces(release: KeyvRelease): void {
  const { Keyv } = release;
  const rows = keyvRows(release);
  afterAll(rows.closeRawClients);

  describe(`namespaces (${release.label})`, () => {
    it('on one shared Map store', async () => {
      const shared = new Map();
      const mine = new KeyvContextStorage(new Keyv({ store: shared, namespace: 'mine' }));
      const theirs = new KeyvContextStorage(new Keyv({ store: shared, namespace: 'theirs' }));
      const other = new Keyv({ store: shared, namespace: 'mine-too' }); // a prefix of nothing, not ours
      await other.set('plain', 'foreign value');
      const [a, b] = [randomId(), randomId()];
      await mine.setItem(a, dialog(a, 2));
      await theirs.setItem(b, dialog(b, 3));
      expect(await mine.len()).toBe(1);
      expect(await collect(mine.ids())).toEqual([a]);
      await mine.clear();
      expect(await mine.len()).toBe(0);
      expect((await theirs.getItem(b, { latest: 'all' }))?.requests.size).toBe(3);
      expect(await other.get('plain')).toBe('foreign value');
    });

    it('on one Redis', async () => {
      const [ns1, ns2] = [randomNamespace(), randomNamespace()];
      const [mine, theirs] = [await rows.openOnRedis(ns1), await rows.openOnRedis(ns2)];
      const raw = rows.rawRedis(`${ns1}x`);
      try {
        await raw.set('plain', 'foreign value');
        const [a, b] = [randomId(), randomId()];
        await mine.setItem(a, dialog(a, 2));
        await theirs.setItem(b, dialog(b, 3));
        await mine.clear();
        expect(await mine.len()).toBe(0);
        expect((await theirs.getItem(b, { latest: 'all' }))?.requests.size).toBe(3);
        expect(await raw.get('plain')).toBe('foreign value');
      } finally {
        await Promise.all([mine.close(), theirs.close()]);
      }
    });

    it('refuses a Keyv without namespace, whose clear() would clear the whole store', () => {
      const keyv = new Keyv({ store: new Map() });
      keyv.namespace = undefined;
      expect(() => new KeyvContextStorage(keyv)).toThrow(/needs a namespace/);
      expect(rows.openOnMap('fine').namespace).toBe('fine');
    });
  });
}
