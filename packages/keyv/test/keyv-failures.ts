import { ConnectionError } from '@context-storage/core';
import { dialog, randomId } from '@context-storage/core/conformance';
import { getFreePort } from '@context-storage/redis-test-servers';
import type Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { KeyvContextStorage } from '../src/index.js';
import { connectKeyvRedis, type KeyvRedisClasses } from '../src/keyv-storage.js';
import { type KeyvRelease, randomNamespace, SwitchableMap } from './stores.js';

/**
 * A failing store is a ConnectionError, never a missing context, whatever 'error' listeners the
 * Keyv has (keyv 6 resolves `undefined` from a failing `get` once one is attached); connect fails
 * fast with the cause; the Keyv's own callers see what they saw before the storage came.
 */
export function describeFailures(release: KeyvRelease): void {
  const { Keyv } = release;

  describe(`store failures (${release.label})`, () => {
    it('a Keyv with its own error listener: a store that is down fails the call, not a missing context', async () => {
      const map = new SwitchableMap<string, unknown>();
      const keyv = new Keyv({ store: map, namespace: randomNamespace() });
      keyv.on('error', () => {}); // keyv 6 then resolves undefined from a failing get
      const storage = new KeyvContextStorage(keyv);
      const id = randomId();
      await storage.setItem(id, dialog(id, 2));
      map.down = true;
      try {
        const error = await storage.getItem(id).catch((caught: unknown) => caught);
        expect(error, 'getItem while the store is down').toBeInstanceOf(ConnectionError);
        expect((error as Error).message).toMatch(/store is down/);
        await expect(storage.contains(id), 'contains while the store is down').rejects.toThrow(
          ConnectionError,
        );
        await expect(storage.len(), 'len (a listing) while the store is down').rejects.toThrow(
          ConnectionError,
        );
      } finally {
        map.down = false;
      }
      expect((await storage.getItem(id, { latest: 'all' }))?.requests.size).toBe(2);
    });

    it("the Keyv's own calls fail as they would without the storage's error listener", async () => {
      const map = new SwitchableMap<string, unknown>();
      const direct = async (keyv: Keyv) => {
        map.down = true;
        try {
          return await keyv.get('probe').then(
            () => 'resolved',
            (error: Error) => `rejected: ${error.message}`,
          );
        } finally {
          map.down = false;
        }
      };
      const withStorage = new Keyv({ store: map, namespace: randomNamespace() });
      const storage = new KeyvContextStorage(withStorage); // its listener (+ throwOnErrors on keyv 5)
      expect(await storage.contains('x')).toBe(false);
      const without = new Keyv({ store: map, namespace: randomNamespace() });
      without.throwOnErrors = true;
      expect(await direct(withStorage)).toBe(await direct(without));
      expect(await direct(without)).toMatch(/^rejected: the store is down/);
    });

    it('connect to a port nobody listens on fails fast with ConnectionError, password redacted', async () => {
      const port = await getFreePort();
      const started = Date.now();
      const error = await release
        .connect(
          `keyv+redis://user:s3cret@127.0.0.1:${port}?namespace=${randomNamespace()}&connectTimeoutMs=1500`,
        )
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/cannot connect to/);
      expect((error as Error).message).not.toContain('s3cret');
      expect(Date.now() - started, 'within the connect bound').toBeLessThan(4_000);
    });

    it("connect fails with the store's refusal, also when Keyv only reports it to listeners", async () => {
      // A store that refuses at once (a real @keyv/redis retries until connectTimeoutMs, on both
      // versions): connect's connection check must see the refusal that keyv 6 only emits.
      class RefusingStore {
        namespace: string | undefined;
        opts = {};
        async get(): Promise<never> {
          throw new Error('NOAUTH refused (simulated)');
        }
        async set(): Promise<boolean> {
          return true;
        }
        async delete(): Promise<boolean> {
          return false;
        }
        async clear(): Promise<void> {}
        async disconnect(): Promise<void> {}
      }
      const classes = { Keyv, KeyvRedis: RefusingStore } as unknown as KeyvRedisClasses;
      const error = await connectKeyvRedis(
        'keyv+redis://user:s3cret@127.0.0.1:1?connectTimeoutMs=5000',
        {},
        async () => classes,
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(
        /^cannot connect to .*NOAUTH refused \(simulated\)$/,
      );
      expect((error as Error).message).not.toContain('s3cret');
    });

    it('a store that cannot list says so: ids() is unsupported, not an empty listing', async () => {
      // Map-like without entries() (an LRU cache, say): keyv 5 lists only a Map, keyv 6 only a
      // store with entries() or iterator().
      const map = new Map<string, unknown>();
      const mapLike = {
        get: (key: string) => map.get(key),
        set: (key: string, value: unknown) => map.set(key, value),
        delete: (key: string) => map.delete(key),
        clear: () => map.clear(),
        has: (key: string) => map.has(key),
      };
      const storage = new KeyvContextStorage(
        new Keyv({ store: mapLike, namespace: randomNamespace() }),
      );
      const id = randomId();
      await storage.setItem(id, dialog(id, 1));
      expect(storage.capabilities.listIds).toBe(false);
      await expect(storage.len()).rejects.toThrow(/cannot count contexts/);
      expect(await storage.contains(id)).toBe(true);
    });
  });
}
