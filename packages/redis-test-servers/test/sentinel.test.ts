import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisSentinelServers, respPipeline, startSentinel } from '../src/index.js';
import { expectGone, expectRemoved } from './helpers.js';

describe('startSentinel', () => {
  let topology: RedisSentinelServers;

  beforeAll(async () => {
    topology = await startSentinel();
  }, 60_000);

  afterAll(async () => {
    await topology?.stop();
  });

  it('exposes a redis+sentinel:// URL with the master name', () => {
    expect(topology.masterName).toBe('context-storage');
    expect(topology.url).toBe(
      `redis+sentinel://127.0.0.1:${topology.sentinel.port}/${topology.masterName}`,
    );
    expect(topology.sentinels).toEqual([`127.0.0.1:${topology.sentinel.port}`]);
  });

  it('the sentinel reports the master and sees the replica', async () => {
    expect(
      await topology.sentinel.cli('SENTINEL', 'get-master-addr-by-name', topology.masterName),
    ).toBe(`127.0.0.1\n${topology.master.port}`);
    const replicas = await topology.sentinel.command(['SENTINEL', 'replicas', topology.masterName]);
    expect(Array.isArray(replicas) && replicas.length).toBe(1);
  });

  it('the replica replicates the master', async () => {
    expect(await topology.replica.cli('ROLE')).toMatch(/^slave\n127\.0\.0\.1\n/);
    // WAIT counts what this connection wrote: both on one connection.
    expect(
      await respPipeline(topology.master, [
        ['SET', 'k', 'v'],
        ['WAIT', '1', '2000'],
      ]),
    ).toEqual(['OK', 1]);
    expect(await topology.replica.cli('GET', 'k')).toBe('v');
  });

  it('the sentinel config is generated in its directory', () => {
    const config = readFileSync(join(topology.sentinel.dir, 'sentinel.conf'), 'utf8');
    expect(config).toContain(
      `sentinel monitor ${topology.masterName} 127.0.0.1 ${topology.master.port} 1`,
    );
    expect(config).toMatch(/sentinel down-after-milliseconds context-storage 1000/);
  });
});

describe('sentinel stop', () => {
  it('leaves no process and removes every directory', async () => {
    const topology = await startSentinel({ masterName: 'other', password: 'pw' });
    expect(await topology.master.cli('PING')).toBe('PONG');
    expect(await topology.sentinel.cli('SENTINEL', 'get-master-addr-by-name', 'other')).toBe(
      `127.0.0.1\n${topology.master.port}`,
    );
    const servers = [topology.master, topology.replica, topology.sentinel].map((server) => ({
      pid: server.pid,
      dir: server.dir,
    }));
    await topology.stop();
    for (const server of servers) {
      await expectGone(server.pid);
      expectRemoved(server.dir);
    }
  }, 60_000);
});
