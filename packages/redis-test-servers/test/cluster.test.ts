import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisClusterServers, startCluster } from '../src/index.js';
import { expectGone, expectRemoved } from './helpers.js';

function info(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

describe('startCluster', () => {
  let cluster: RedisClusterServers;

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3 });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop(); // idempotent: the last test stops it already
  });

  it('has 3 nodes on loopback, a redis+cluster:// URL and the seeds', () => {
    expect(cluster.nodes).toHaveLength(3);
    expect(cluster.seeds).toEqual(cluster.nodes.map((node) => `127.0.0.1:${node.port}`));
    expect(cluster.url).toBe(`redis+cluster://${cluster.seeds.join(',')}`);
  });

  it('is ok on every node, with all 16384 slots', async () => {
    for (const node of cluster.nodes) {
      const state = info(await node.cli('CLUSTER', 'INFO'));
      expect(state.cluster_state).toBe('ok');
      expect(state.cluster_slots_assigned).toBe('16384');
      expect(state.cluster_slots_ok).toBe('16384');
      expect(state.cluster_known_nodes).toBe('3');
      expect(state.cluster_size).toBe('3');
    }
  });

  it('has 3 masters, each with its explicit bus port', async () => {
    const nodes = (await cluster.nodes[0]!.cli('CLUSTER', 'NODES')).split('\n');
    const masters = nodes.filter((line) => line.split(' ')[2]?.includes('master'));
    expect(masters).toHaveLength(3);
    for (const node of cluster.nodes) {
      const busPort = node.describe().args[node.describe().args.indexOf('--cluster-port') + 1];
      expect(busPort).toBeDefined();
      expect(busPort).not.toBe(String(node.port + 10000));
      expect(nodes.some((line) => line.includes(` 127.0.0.1:${node.port}@${busPort} `))).toBe(true);
    }
  });

  it('routes keys across nodes (redis-cli -c)', async () => {
    const node = cluster.nodes[0]!;
    for (const key of ['a', 'b', 'c', 'd']) {
      expect(await node.cli('-c', 'SET', key, `v-${key}`)).toBe('OK');
    }
    for (const key of ['a', 'b', 'c', 'd']) {
      expect(await cluster.nodes[2]!.cli('-c', 'GET', key)).toBe(`v-${key}`);
    }
  });

  it('a node restarts on the same ports and rejoins with its slots', async () => {
    const node = cluster.nodes[1]!;
    await node.cli('-c', 'SET', '{node1}k', 'v');
    await node.restart();
    // nodes.conf and the RDB are kept: the node is back with its slots and data.
    for (let i = 0; i < 100; i += 1) {
      if (info(await node.cli('CLUSTER', 'INFO')).cluster_state === 'ok') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(info(await node.cli('CLUSTER', 'INFO')).cluster_state).toBe('ok');
    expect(await cluster.nodes[0]!.cli('-c', 'GET', '{node1}k')).toBe('v');
  });

  it('stop leaves no process and removes every directory', async () => {
    const nodes = cluster.nodes.map((node) => ({ pid: node.pid, dir: node.dir }));
    await cluster.stop();
    for (const node of nodes) {
      await expectGone(node.pid);
      expectRemoved(node.dir);
    }
  });
});

describe('cluster options', () => {
  it('refuses fewer than 3 masters', async () => {
    await expect(startCluster({ masters: 2 })).rejects.toThrow(/at least 3 masters/);
  });
});
