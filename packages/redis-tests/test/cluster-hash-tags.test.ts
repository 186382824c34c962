import { dialog } from '@context-storage/core/conformance';
import { keySlot } from '@context-storage/redis-layout';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, contextKey, randomPrefix, rawClient, topologyUri } from './matrix.js';

/** Every form of hash tag a context id can hold, where Redis and naive slot functions may part. */
const TAG_FORMS = [
  '{}',
  '{a}',
  '{{a}}',
  '}{',
  '{',
  '}',
  '{{',
  '}}',
  '{a',
  'a}',
  '{}a}',
  'a{}b}c',
  'u{}{b}',
  '{}{a}',
  '{{}}',
  '{a}}',
  '{{a}',
  '}{a}',
  'a{b{c}d}',
  '{a}{b}',
];
const SURROUNDINGS: readonly [string, string][] = [
  ['', ''],
  ['x', ''],
  ['', 'y'],
  ['u1', ':z'],
  ['会', '话'],
];
const ALPHABET = ['{', '}', 'a', 'b', ':', ' ', '会'];

/** Tag forms alone, at the start, in the middle and at the end of ids, then random brace soup. */
function fuzzIds(): string[] {
  const ids = new Set<string>();
  for (const form of TAG_FORMS) {
    for (const [before, after] of SURROUNDINGS) ids.add(`${before}${form}${after}`);
  }
  while (ids.size < TAG_FORMS.length * SURROUNDINGS.length + 150) {
    const length = 1 + Math.floor(Math.random() * 10);
    ids.add(
      Array.from({ length }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join(''),
    );
  }
  return [...ids];
}

/** `CLUSTER SLOTS` as slot -> `host:port` of its master. */
async function slotOwners(cluster: Cluster): Promise<(string | undefined)[]> {
  const owners: (string | undefined)[] = [];
  const ranges = (await cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  for (const [start, end, [host, port]] of ranges) {
    for (let slot = start; slot <= end; slot += 1) owners[slot] = `${host}:${port}`;
  }
  return owners;
}

describe('ids with every form of hash tag, on the cluster', () => {
  let raw: Cluster;
  let masters: Map<string, Redis>;
  let owners: (string | undefined)[];

  beforeAll(async () => {
    raw = rawClient('cluster') as Cluster;
    await raw.ping();
    owners = await slotOwners(raw);
    masters = new Map(
      raw.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]),
    );
  });

  afterAll(() => {
    masters.clear();
  });

  /** The key is on the master serving its slot as Redis computes it, and keySlot agrees. */
  async function expectPlacedByRedis(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const slot = Number(await raw.call('CLUSTER', 'KEYSLOT', key));
      expect(keySlot(key), `slot of ${JSON.stringify(key)}`).toBe(slot);
      const owner = masters.get(owners[slot]!);
      expect(await owner!.exists(key), `${JSON.stringify(key)} on its master`).toBe(1);
    }
  }

  /** MOVED replies the masters sent so far (`INFO errorstats`): a call sent to the wrong master. */
  async function movedReplies(): Promise<number> {
    let total = 0;
    for (const node of masters.values()) {
      const stats = String(await node.info('errorstats'));
      total += Number(/errorstat_MOVED:count=(\d+)/.exec(stats)?.[1] ?? 0);
    }
    return total;
  }

  for (const row of ADAPTERS) {
    describe(row.name, () => {
      it('batches holding them succeed, without a redirection', async () => {
        const storage = await row.connect(topologyUri('cluster'), { prefix: randomPrefix() });
        try {
          const ids = fuzzIds();
          const keys = ids.map((id) => contextKey(storage, id));
          const movedBefore = await movedReplies();
          await storage.setItems(ids.map((id, i) => [id, dialog(id, 2, { i })] as const));
          await expectPlacedByRedis(keys);
          const loaded = await storage.getItems(ids);
          expect(loaded.map((context) => context?.misc.i)).toEqual(ids.map((_, i) => i));
          expect(await storage.delItems(ids)).toBe(ids.length);
          expect(await storage.len()).toBe(0);
          expect(await movedReplies()).toBe(movedBefore);
        } finally {
          await storage.close();
        }
      });

      it('single calls on them go to the right master at once', async () => {
        const storage = await row.connect(topologyUri('cluster'), { prefix: randomPrefix() });
        try {
          const ids = fuzzIds().slice(0, TAG_FORMS.length * SURROUNDINGS.length);
          const movedBefore = await movedReplies();
          for (const [i, id] of ids.entries()) {
            await storage.setItem(id, dialog(id, 1, { i }));
            expect(await storage.contains(id)).toBe(true);
            await storage.update(id, (context) => void context.addTurn({ request: 'again' }));
            expect((await storage.getItem(id))?.currentTurnId).toBe(2);
          }
          await expectPlacedByRedis(ids.map((id) => contextKey(storage, id)));
          for (const id of ids) expect(await storage.delItem(id)).toBe(true);
          expect(await storage.len()).toBe(0);
          expect(await movedReplies()).toBe(movedBefore);
        } finally {
          await storage.close();
        }
      });
    });
  }
});
