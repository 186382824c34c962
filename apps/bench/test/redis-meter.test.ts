import { type RedisServer, startStandalone } from '@context-storage/redis-test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMeter } from '../src/redis-meter.js';
import { perTurnTraffic } from '../src/traffic.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(() => server?.stop());

describe('RedisMeter', () => {
  it('refuses a server that is not the process it was told about', async () => {
    await expect(RedisMeter.open({ url: server.url, pid: server.pid + 1 })).rejects.toThrow(
      /not the bench's own server/,
    );
  });

  it('counts the commands, bytes, server time and CPU of a window, not before it', async () => {
    const client = new Redis(server.url);
    const meter = await RedisMeter.open(server);
    try {
      // Outside any window: must not show in the counters.
      for (let index = 0; index < 20; index++) await client.get('before');
      const payload = 'x'.repeat(10_000);
      const { value, counters } = await meter.measure(async () => {
        for (let index = 0; index < 50; index++) {
          await client.set(`k${index}`, payload);
          await client.get(`k${index}`);
        }
        return 50;
      });
      expect(counters.commands).toEqual({
        set: { calls: 50, usec: expect.any(Number) },
        get: { calls: 50, usec: expect.any(Number) },
      });
      const traffic = perTurnTraffic(counters, value);
      expect(traffic.clientCommands).toBe(2);
      // The SET sends the payload and the GET's reply carries it back.
      expect(traffic.bytesIn).toBeGreaterThan(10_000);
      expect(traffic.bytesIn).toBeLessThan(10_100);
      expect(traffic.bytesOut).toBeGreaterThan(10_000);
      expect(traffic.bytesOut).toBeLessThan(10_100);
      expect(traffic.serverMicros).toBeGreaterThan(0);
      // Redis's CPU covers at least the commands it executed.
      expect(traffic.cpuMicros).toBeGreaterThanOrEqual(traffic.serverMicros);
    } finally {
      await meter.close();
      client.disconnect();
    }
  });

  it('refuses stop() without start()', async () => {
    const meter = await RedisMeter.open(server);
    try {
      await expect(meter.stop()).rejects.toThrow(/without start/);
    } finally {
      await meter.close();
    }
  });
});
