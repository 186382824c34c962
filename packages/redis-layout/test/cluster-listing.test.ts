import { ConnectionError, InvalidArgumentError } from '@context-storage/core';
import { describe, expect, it } from 'vitest';
import { type ClusterMaster, type ClusterMasters, scanCluster } from '../src/index.js';

/** A master in memory: its keys, and the slot entries of its own `CLUSTER NODES` line. */
interface FakeMaster {
  address: string;
  keys: string[];
  slots: string[];
}

/** A cluster whose masters answer SCAN two keys a page (cursor: an index) and CLUSTER NODES. */
/** Lists every key, page after page; `onPage(n)` runs after page n (1-based). */
type Lister = (options?: { onPage?: (page: number) => void }) => Promise<string[]>;

function fakeCluster(masters: FakeMaster[]): ClusterMasters & { list: Lister } {
  const view = (master: FakeMaster): ClusterMaster => ({
    address: master.address,
    scan: async (at) => {
      const start = Number(at);
      const next = start + 2 >= master.keys.length ? '0' : String(start + 2);
      return [next, master.keys.slice(start, start + 2)];
    },
    clusterNodes: async () =>
      `${'a'.repeat(40)} 10.0.0.9:1@2 master - 0 0 1 connected 1-2\n${'b'.repeat(40)} ${master.address}@1 myself,master - 0 0 2 connected ${master.slots.join(' ')}\n`,
  });
  const cluster = {
    masters: async () => masters.map(view),
    async list(options: { onPage?: (page: number) => void } = {}): Promise<string[]> {
      const keys: string[] = [];
      let cursor: string | undefined;
      let page = 0;
      do {
        const result = await scanCluster(cursor, '*', 2, cluster);
        keys.push(...result.keys);
        cursor = result.cursor;
        page += 1;
        options.onPage?.(page);
      } while (cursor !== undefined);
      return keys;
    },
  };
  return cluster;
}

const three = (): FakeMaster[] => [
  { address: 'h:1', keys: ['a1', 'a2', 'a3'], slots: ['0-5460'] },
  { address: 'h:2', keys: ['b1', 'b2', 'b3'], slots: ['5461-10922'] },
  { address: 'h:3', keys: ['c1', 'c2', 'c3'], slots: ['10923-16383'] },
];

describe('scanCluster', () => {
  it('lists every master once when nothing moves', async () => {
    expect(await fakeCluster(three()).list()).toEqual([
      'a1',
      'a2',
      'a3',
      'b1',
      'b2',
      'b3',
      'c1',
      'c2',
      'c3',
    ]);
  });

  it('scans again a master that gained slots after its scan began', async () => {
    const masters = three();
    const cluster = fakeCluster(masters);
    const listed = await cluster.list({
      onPage: (page) => {
        if (page !== 3) return;
        // On the second master: the third one's slots (and keys) move to the first one.
        masters[0]!.keys.push(...masters[2]!.keys.splice(0));
        masters[0]!.slots.push('10923-16383');
        masters[2]!.slots = [];
      },
    });
    expect(new Set(listed)).toEqual(
      new Set(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2', 'c3']),
    );
  });

  it('scans again a master still importing a slot when the pass ends', async () => {
    const masters = three();
    const listed = await fakeCluster(masters).list({
      onPage: (page) => {
        if (page !== 3) return;
        masters[0]!.keys.push(masters[2]!.keys.shift()!);
        masters[0]!.slots.push(`[16000-<-${'c'.repeat(40)}]`);
        masters[2]!.slots.push(`[16000->-${'a'.repeat(40)}]`);
      },
    });
    expect(listed).toContain('c1');
  });

  it('scans again a master that was importing for the whole pass', async () => {
    const masters = three();
    masters[0]!.slots.push(`[16000-<-${'c'.repeat(40)}]`);
    masters[2]!.slots.push(`[16000->-${'a'.repeat(40)}]`);
    const listed = await fakeCluster(masters).list({
      onPage: (page) => {
        if (page === 3) masters[0]!.keys.push(masters[2]!.keys.shift()!);
      },
    });
    expect(listed).toContain('c1');
  });

  it('scans a master that appeared during the listing, and skips one that is gone', async () => {
    const masters = three();
    const listed = await fakeCluster(masters).list({
      onPage: (page) => {
        if (page !== 1) return;
        const [second] = masters.splice(1, 1);
        masters.push({ address: 'h:4', keys: second!.keys, slots: second!.slots });
      },
    });
    expect(new Set(listed)).toEqual(
      new Set(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2', 'c3']),
    );
  });

  it('refuses to end a listing while some slots are served by no known master', async () => {
    const masters = three().slice(0, 2);
    await expect(fakeCluster(masters).list()).rejects.toThrow(ConnectionError);
    await expect(fakeCluster(masters).list()).rejects.toThrow(/5461 slots .* no master/);
  });

  it('refuses a cursor it did not make', async () => {
    const cluster = fakeCluster(three());
    for (const cursor of [
      '0:12',
      'c:!!',
      `c:${Buffer.from('[3,[],"0",{}]').toString('base64url')}`,
    ]) {
      await expect(scanCluster(cursor, '*', 2, cluster)).rejects.toThrow(InvalidArgumentError);
    }
  });
});
