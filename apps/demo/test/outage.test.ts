import {
  currentPid,
  killServer,
  pauseServer,
  type RedisServerDescriptor,
  redisCli,
  restartServer,
  resumeServer,
} from '@context-storage/redis-test-servers';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type DemoProcess, redisUri, spawnDemo } from './helpers.js';

const { standalone } = inject('redis');
const server: RedisServerDescriptor | undefined =
  standalone?.external === false ? standalone.server : undefined;
/** Bounds that make an outage show within about a second. */
const FAST = '&commandTimeoutMs=1000&connectTimeoutMs=1000';

afterEach(async () => {
  // Leave the shared server running for the next test, whatever happened.
  if (server !== undefined && currentPid(server) === undefined) await restartServer(server);
});

async function expectDown(demo: DemoProcess): Promise<void> {
  const started = Date.now();
  expect(await demo.say('u', 'are you there?')).toMatchObject({
    status: 503,
    body: { error: { code: 'CONNECTION' } },
  });
  expect(await demo.read('u')).toMatchObject({ status: 503 });
  expect(Date.now() - started).toBeLessThan(5_000);
  // The health probe says so within its own 1 s bound.
  const health = await demo.call('GET', '/healthz');
  expect(health).toMatchObject({ status: 503, body: { status: 'degraded' } });
  expect(['CONNECTION', 'TIMEOUT']).toContain(health.body.error.code);
  expect(health.body.probeMs).toBeLessThan(1_500);
  // The page still loads and the process is still up.
  expect((await fetch(`${demo.base}/`)).status).toBe(200);
  expect(demo.child.exitCode).toBeNull();
}

// Pausing and killing need the server this run started, not one given by CONTEXT_STORAGE_REDIS_URL.
describe.skipIf(server === undefined).each(['ioredis', 'node-redis'] as const)(
  'the demo while Redis is down (%s)',
  (client) => {
    it('answers 503 CONNECTION while Redis hangs, and recovers when it answers again', async () => {
      const target = server as RedisServerDescriptor;
      const demo = await spawnDemo(redisUri(client, FAST));
      await demo.say('u', 'hi');
      pauseServer(target);
      try {
        await expectDown(demo);
      } finally {
        resumeServer(target);
      }
      const back = await demo.say('u', 'Ada');
      expect(back.status).toBe(200);
      // The refused message was never stored: update's load failed before any write was sent.
      expect(back.body.context).toMatchObject({
        version: 2,
        currentTurnId: 2,
        misc: { name: 'Ada' },
      });
    });

    it('answers 503 CONNECTION while Redis is gone, and continues the dialog once it restarts', async () => {
      const target = server as RedisServerDescriptor;
      const demo = await spawnDemo(redisUri(client, FAST));
      await demo.say('u', 'hi');
      await demo.say('u', 'Ada');
      await redisCli(target, 'SAVE');
      await killServer(target);
      await expectDown(demo);
      await restartServer(target);
      let back = await demo.say('u', 'chess');
      // The client may need a moment to notice the server is back.
      for (let i = 0; back.status === 503 && i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        back = await demo.say('u', 'chess');
      }
      expect(back.status).toBe(200);
      expect(back.body.reply.text).toMatch(/Ada likes chess/);
      expect(back.body.context).toMatchObject({ version: 3, currentTurnId: 3 });
    });
  },
);
