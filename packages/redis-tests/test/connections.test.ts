import { dialog, randomId } from '@context-storage/core/conformance';
import { type RedisServer, startStandalone } from '@context-storage/redis-test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, contextKey, randomPrefix, topologyUri } from './matrix.js';

// Ways to reach Redis besides a URI over TCP.
describe('connections', () => {
  let socketServer: RedisServer;
  let socketPath: string;

  beforeAll(async () => {
    socketServer = await startStandalone({
      args: ['--unixsocket', 'redis.sock', '--unixsocketperm', '700'],
    });
    socketPath = `${socketServer.dir}/redis.sock`;
  });

  afterAll(async () => {
    await socketServer?.stop();
  });

  for (const row of ADAPTERS) {
    describe(row.name, () => {
      it('a unix socket URI (redis+unix://) reaches the server', async () => {
        const storage = await row.connect(
          `redis+unix://${encodeURI(socketPath)}?db=3&prefix=${randomPrefix()}`,
        );
        try {
          const id = randomId();
          await storage.setItem(id, dialog(id, 2));
          expect((await storage.getItem(id))?.currentTurnId).toBe(2);
          expect(await socketServer.cli('-n', '3', 'EXISTS', contextKey(storage, id))).toMatch(/1/);
        } finally {
          await storage.close();
        }
      });

      it('a client passed in stays open after the storage closes', async () => {
        const url = topologyUri('standalone').replace(/\?.*$/, '');
        const wrapped = await row.wrapClient(url, { prefix: randomPrefix() });
        try {
          const id = randomId();
          await wrapped.storage.setItem(id, dialog(id, 1));
          expect(await wrapped.storage.contains(id)).toBe(true);
          await wrapped.storage.close();
          expect(await wrapped.ping()).toBe('PONG');
        } finally {
          await wrapped.close();
        }
      });
    });
  }
});
