import { setTimeout as sleep } from 'node:timers/promises';
import { dialog, randomId } from '@context-storage/core/conformance';
import { keySlot } from '@context-storage/redis-layout';
import {
  migrateSlot,
  type RedisClusterServers,
  type RedisServer,
  startCluster,
} from '@context-storage/redis-test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, contextKey, type RedisStorage, randomPrefix, TEST_TIMEOUTS } from './matrix.js';

// Slots move between masters while `ids()` pages through them: every context stored for the whole
// listing must still be listed (docs/adapters.md). The cluster is this file's own, since moving
// slots of the shared one would disturb the other files.

const CONTEXTS = 300;

let cluster: RedisClusterServers;

beforeAll(async () => {
  cluster = await startCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

/** The masters in the order the bindings scan them (by address). */
function scanOrder(): RedisServer[] {
  return [...cluster.nodes].sort((a, b) =>
    `${a.host}:${a.port}`.localeCompare(`${b.host}:${b.port}`),
  );
}

/** The master serving each slot, from `CLUSTER SLOTS`. */
async function slotOwners(): Promise<RedisServer[]> {
  const owners: RedisServer[] = [];
  const ranges = (await cluster.nodes[0]!.command(['CLUSTER', 'SLOTS'])) as [
    number,
    number,
    [string, number],
  ][];
  for (const [start, end, [, port]] of ranges) {
    const owner = cluster.nodes.find((node) => node.port === port)!;
    for (let slot = start; slot <= end; slot += 1) owners[slot] = owner;
  }
  return owners;
}

/** Stores CONTEXTS contexts and tells, for each, the master holding it. */
async function storeContexts(storage: RedisStorage): Promise<Map<string, RedisServer>> {
  const ids = Array.from({ length: CONTEXTS }, () => randomId());
  await storage.setItems(ids.map((id) => [id, dialog(id, 1)] as const));
  const owners = await slotOwners();
  return new Map(ids.map((id) => [id, owners[keySlot(contextKey(storage, id))]!]));
}

/** Moves the slots of `ids` from `from` to `to`, one after the other. */
async function moveSlotsOf(
  storage: RedisStorage,
  ids: readonly string[],
  from: RedisServer,
  to: RedisServer,
  pauseMs = 0,
): Promise<number> {
  const slots = new Set(ids.map((id) => keySlot(contextKey(storage, id))));
  for (const slot of slots) {
    await migrateSlot(cluster.nodes, slot, from, to, {
      batch: 1,
      onBatch: () => sleep(pauseMs),
    });
  }
  return slots.size;
}

function missing(stored: Iterable<string>, listed: ReadonlySet<string>): string[] {
  return [...stored].filter((id) => !listed.has(id));
}

for (const row of ADAPTERS) {
  describe(`${row.name}: ids() while slots move`, () => {
    const open = () => row.connect(`${cluster.url}?${TEST_TIMEOUTS}`, { prefix: randomPrefix() });

    it('lists every context when slots move, between two pages, to a master already scanned', async () => {
      const storage = await open();
      try {
        const placed = await storeContexts(storage);
        const [first, middle, last] = scanOrder();
        const listed = new Set<string>();
        let moved = 0;
        for await (const id of storage.ids({ pageSize: 10 })) {
          listed.add(id);
          if (moved === 0 && placed.get(id) === middle) {
            // The listing is on the middle master: move what the last one holds, unlisted yet,
            // to the first one, already scanned.
            const unlisted = [...placed].filter(([key, node]) => node === last && !listed.has(key));
            moved = await moveSlotsOf(
              storage,
              unlisted.map(([key]) => key),
              last!,
              first!,
            );
          }
        }
        expect(moved).toBeGreaterThan(0);
        expect(missing(placed.keys(), listed)).toEqual([]);
      } finally {
        await storage.clear();
        await storage.close();
      }
    });

    it('batches follow MOVED and ASK when the client still has the old slot map', async () => {
      const storage = await open();
      try {
        const placed = await storeContexts(storage);
        const ids = [...placed.keys()];
        // The storage's client saw the map before the move, and never hears about it.
        expect(await storage.getItems(ids.slice(0, 3))).toHaveLength(3);
        const [first, , last] = scanOrder();
        const movedIds = ids.filter((id) => placed.get(id) === last);
        const half = Math.floor(movedIds.length / 2);
        await moveSlotsOf(storage, movedIds.slice(0, half), last!, first!);
        // One slot left half-way: its keys answer ASK on the source once moved.
        const askSlot = keySlot(contextKey(storage, movedIds[half]!));
        const [fromId, toId] = await Promise.all([
          last!.command(['CLUSTER', 'MYID']),
          first!.command(['CLUSTER', 'MYID']),
        ]);
        await first!.command(['CLUSTER', 'SETSLOT', String(askSlot), 'IMPORTING', String(fromId)]);
        await last!.command(['CLUSTER', 'SETSLOT', String(askSlot), 'MIGRATING', String(toId)]);
        const key = contextKey(storage, movedIds[half]!);
        await last!.command(['MIGRATE', first!.host, String(first!.port), key, '0', '5000']);
        try {
          const loaded = await storage.getItems(ids);
          expect(loaded.map((context) => context?.id)).toEqual(ids);
          await storage.setItems(ids.map((id) => [id, dialog(id, 2)] as const));
          expect((await storage.getItems(ids)).map((context) => context?.currentTurnId)).toEqual(
            ids.map(() => 2),
          );
          expect(await storage.delItems(ids)).toBe(CONTEXTS);
        } finally {
          for (const node of cluster.nodes) {
            await node.command(['CLUSTER', 'SETSLOT', String(askSlot), 'NODE', String(toId)]);
          }
        }
      } finally {
        await storage.clear();
        await storage.close();
      }
    });

    it('lists every context while a reshard runs during the listing', async () => {
      const storage = await open();
      try {
        const placed = await storeContexts(storage);
        const [first, middle, last] = scanOrder();
        const listed = new Set<string>();
        let reshard: Promise<number> | undefined;
        let pages = 0;
        for await (const id of storage.ids({ pageSize: 10 })) {
          listed.add(id);
          if (listed.size % 10 === 0) {
            pages += 1;
            // Slow enough that keys move while pages are read.
            await sleep(15);
          }
          if (reshard === undefined && pages === 2) {
            const of = (node: RedisServer | undefined) =>
              [...placed].filter(([, owner]) => owner === node).map(([key]) => key);
            // Later masters to earlier ones, then the first one to the last; one slot at a time,
            // since two MIGRATEs in opposite directions block each other's servers.
            reshard = (async () =>
              (await moveSlotsOf(storage, of(last), last!, first!, 2)) +
              (await moveSlotsOf(storage, of(middle), middle!, first!, 2)) +
              (await moveSlotsOf(storage, of(first), first!, last!, 2)))();
            reshard.catch(() => {}); // awaited below
          }
        }
        const moved = await reshard;
        expect(moved).toBeGreaterThan(0);
        expect(missing(placed.keys(), listed)).toEqual([]);
      } finally {
        await storage.clear();
        await storage.close();
      }
    });
  });

  describe(`${row.name}: writes into a slot being migrated`, () => {
    const open = () => row.connect(`${cluster.url}?${TEST_TIMEOUTS}`, { prefix: randomPrefix() });

    /**
     * Starts moving the slot of `id`'s key to another master and leaves it half-way, the key
     * still on its source; `finish` completes the move.
     */
    async function halfMigrated(storage: RedisStorage, id: string) {
      const slot = keySlot(contextKey(storage, id));
      const from = (await slotOwners())[slot]!;
      const to = cluster.nodes.find((node) => node !== from)!;
      const [fromId, toId] = await Promise.all([
        from.command(['CLUSTER', 'MYID']),
        to.command(['CLUSTER', 'MYID']),
      ]);
      await to.command(['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', String(fromId)]);
      await from.command(['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', String(toId)]);
      return { from, finish: () => migrateSlot(cluster.nodes, slot, from, to) };
    }

    it('a whole overwrite of a context still on the source replaces it, losing nothing', async () => {
      const storage = await open();
      const id = randomId();
      try {
        await storage.setItem(id, dialog(id, 3, { old: true }));
        const { from, finish } = await halfMigrated(storage, id);
        try {
          // A new Context over a stored one: a whole overwrite, which once began with a DEL.
          await storage.setItem(id, dialog(id, 2, { new: true }));
          // Overwritten in place: the key never left its source (a DEL would have sent it on).
          expect(await from.command(['EXISTS', contextKey(storage, id)])).toBe(1);
          const loaded = await storage.getItem(id, { latest: 'all' });
          expect(loaded?.misc).toEqual({ new: true });
          expect(loaded?.requests.keys()).toEqual([1, 2]);
          expect(loaded?.labels.keys()).toEqual([1, 2]);
        } finally {
          await finish();
        }
        expect((await storage.getItem(id, { latest: 'all' }))?.responses.keys()).toEqual([1, 2]);
      } finally {
        await storage.clear();
        await storage.close();
      }
    });

    it('a whole overwrite of a key of another type on the source lands on the new owner', async () => {
      const storage = await open();
      const id = randomId();
      try {
        const slot = keySlot(contextKey(storage, id));
        await (await slotOwners())[slot]!.command([
          'SET',
          contextKey(storage, id),
          'not a context',
        ]);
        const { finish } = await halfMigrated(storage, id);
        try {
          // Dropping that key leaves the slot's source without it: the write goes on by ASK.
          await storage.setItem(id, dialog(id, 2, { new: true }));
          expect((await storage.getItem(id, { latest: 'all' }))?.misc).toEqual({ new: true });
        } finally {
          await finish();
        }
        const loaded = await storage.getItem(id, { latest: 'all' });
        expect(loaded?.requests.keys()).toEqual([1, 2]);
      } finally {
        await storage.clear();
        await storage.close();
      }
    });
  });
}
