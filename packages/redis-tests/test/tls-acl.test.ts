import { collect, dialog, randomId } from '@context-storage/core/conformance';
import { type RedisTlsServer, startTls } from '@context-storage/redis-test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './matrix.js';

/**
 * The least a storage needs: its own keys (`app::*`) and these commands. Everything the storage
 * offers must work with them; an operator can copy this ACL.
 */
const STORAGE_ACL = [
  'user storage on >storage-secret resetkeys ~app::* resetchannels -@all',
  // connection set-up
  '+hello +auth +ping +info +select +client|setname',
  // the two scripts, and the commands they run
  '+eval +evalsha +type +hget +hmget +hgetall +hset +hdel +del +pexpire +persist +exists',
  // batches, listing, clearing
  '+unlink +scan',
].join(' ');

describe('TLS + ACL: a user limited to the storage prefix and the commands it needs', () => {
  let server: RedisTlsServer;

  beforeAll(async () => {
    server = await startTls({ aclUsers: [STORAGE_ACL, 'user default on nopass ~* &* +@all'] });
  });

  afterAll(async () => {
    await server?.stop();
  });

  for (const row of ADAPTERS) {
    it(`${row.name} can do everything the storage offers`, async () => {
      const uri = `rediss://storage:storage-secret@127.0.0.1:${server.port}?prefix=app&tlsCaFile=${encodeURIComponent(server.caFile)}`;
      const storage = await row.connect(uri);
      try {
        const [a, b, c] = [randomId('a'), randomId('b'), randomId('c')];
        await storage.setItem(a, dialog(a, 3), { ttlMs: 60_000 });
        await storage.setItems([
          [b, dialog(b, 2)],
          [c, dialog(c, 1)],
        ]);
        expect(await storage.contains(a)).toBe(true);
        const loaded = await storage.getItem(a, { latest: 1 });
        expect(await loaded?.requests.fetch(1)).toEqual({ text: `request 1 of ${a}` });
        loaded!.addTurn({ request: 'over TLS' });
        await storage.setItem(a, loaded!);
        await storage.update(b, (context) => void context.addTurn({ request: 'updated' }));
        expect(
          (await storage.getItems([a, b, c])).map((context) => context?.currentTurnId),
        ).toEqual([4, 3, 1]);
        expect(await storage.len()).toBe(3);
        expect((await collect(storage.ids())).sort()).toEqual([a, b, c].sort());
        expect(await storage.delItem(c)).toBe(true);
        expect(await storage.delItems([a, randomId()])).toBe(1);
        await storage.clear();
        expect(await storage.len()).toBe(0);
        // The ACL really limits the user: a key outside the prefix is refused.
        expect(await server.cli('ACL', 'DRYRUN', 'storage', 'GET', 'other::x')).toMatch(
          /permissions/,
        );
      } finally {
        await storage.close();
      }
    });
  }
});
