import { TURN_FIELDS } from '@context-storage/core';
import { dialog, randomId } from '@context-storage/core/conformance';
import { itemField, parseItemField } from '@context-storage/redis-layout';
import type { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADAPTERS,
  contextKey,
  randomPrefix,
  rawClient,
  type Topology,
  topologyUri,
} from './matrix.js';

interface Seen {
  command: string;
  args: string[];
  /** Run by a script inside Redis: no round trip of its own. */
  lua: boolean;
}

/** Records every command the servers of a topology receive, with MONITOR on each master. */
async function monitor(
  topology: Topology,
): Promise<{ seen: Seen[]; inScripts: Seen[]; stop(): Promise<void> }> {
  const raw = rawClient(topology);
  await raw.ping(); // connected, and on a cluster, the slots are known
  const masters: Redis[] =
    topology === 'cluster' ? (raw as Cluster).nodes('master') : [raw as Redis];
  const seen: Seen[] = [];
  const inScripts: Seen[] = [];
  const monitors = await Promise.all(masters.map((node) => node.monitor()));
  for (const watcher of monitors) {
    watcher.on('monitor', (_time: string, args: string[], source: string) => {
      // Commands a script runs inside Redis show up too, from "lua": they cost no round trip.
      (source === 'lua' ? inScripts : seen).push({
        command: String(args[0]).toLowerCase(),
        args: args.slice(1).map(String),
        lua: source === 'lua',
      });
    });
  }
  // MONITOR is asynchronous: give the servers a moment to attach.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    seen,
    inScripts,
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await Promise.all(monitors.map((watcher) => watcher.disconnect()));
    },
  };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

// What one load and one save send to Redis, at turn 10 and at turn 2,000: exactly one command each.
for (const row of ADAPTERS) {
  describe.each(['standalone', 'cluster'] as const)(`${row.name} (%s)`, (topology) => {
    it.each([10, 2_000])('a load and a save at turn %i are one command each', async (turns) => {
      const storage = await row.connect(topologyUri(topology), { prefix: randomPrefix() });
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, turns));
        const watch = await monitor(topology);
        stops.push(watch.stop);

        const context = await storage.getItem(id);
        await watch.stop();
        const loads = watch.seen.filter((entry) => entry.args.includes(contextKey(storage, id)));
        // The default windows are served by the recent slots: a plain HMGET, no script.
        expect(loads.map((entry) => entry.command)).toEqual(['hmget']);
        expect(watch.seen).toHaveLength(1);
        expect(watch.inScripts).toEqual([]);

        const watchSave = await monitor(topology);
        stops.push(watchSave.stop);
        context!.addTurn({ request: 'next', response: 'reply' });
        await storage.setItem(id, context!);
        await watchSave.stop();
        expect(watchSave.seen.map((entry) => entry.command)).toEqual([
          expect.stringMatching(/^eval(sha)?$/),
        ]);
        // The save sent the new turn's items and main info, not the 2,000 earlier turns.
        const items = watchSave.seen[0]!.args.filter((arg) => parseItemField(arg) !== undefined);
        expect(items).toEqual([
          itemField('requests', turns + 1),
          itemField('responses', turns + 1),
        ]);
        // A save without TTL of a context that had none: no HDEL of `expires`, no PERSIST, and
        // the recent slots cost no command of their own.
        expect(watchSave.inScripts.map((entry) => entry.command)).toEqual(['hmget', 'hset']);
        // The slots of the version just loaded are known: Node decided them, and the script read
        // only the fields of its checks (version, created, expires, layout), no slot turn id.
        expect(watchSave.inScripts[0]!.args).toEqual([
          contextKey(storage, id),
          'version',
          'created',
          'expires',
          'layout',
        ]);
      } finally {
        await storage.close();
      }
    });

    it('a dialog of 20,000 turns saved at once (one call) loads back every item', async () => {
      // About 1.4 s per call on an idle machine: the bound is wider than the matrix's 1.5 s.
      const uri = topologyUri(topology).replace('commandTimeoutMs=1500', 'commandTimeoutMs=30000');
      const storage = await row.connect(uri, { prefix: randomPrefix() });
      try {
        const id = randomId();
        // 60,000 items and their slot plan: more arguments than a spread into a call takes.
        await storage.setItem(id, dialog(id, 20_000));
        const loaded = await storage.getItem(id, { latest: 'all' });
        for (const field of TURN_FIELDS) expect(loaded?.[field].keys()).toHaveLength(20_000);
        expect(loaded?.requests.get(20_000)).toEqual({ text: `request 20000 of ${id}` });
      } finally {
        await storage.close();
      }
    });

    it('a save without TTL of a context that had one drops its expiry inside the script', async () => {
      const storage = await row.connect(topologyUri(topology), { prefix: randomPrefix() });
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, 2), { ttlMs: 60_000 });
        const context = await storage.getItem(id);
        const watch = await monitor(topology);
        stops.push(watch.stop);
        context!.addTurn({ request: 'next' });
        await storage.setItem(id, context!);
        await watch.stop();
        expect(watch.seen.map((entry) => entry.command)).toEqual([
          expect.stringMatching(/^eval(sha)?$/),
        ]);
        expect(watch.inScripts.map((entry) => entry.command)).toEqual([
          'hmget',
          'hset',
          'hdel',
          'persist',
        ]);
        expect(await rawClient(topology).pttl(contextKey(storage, id))).toBe(-1);
      } finally {
        await storage.close();
      }
    });

    it('a batch of 50 contexts is one pipeline: one command per context, nothing else', async () => {
      const storage = await row.connect(topologyUri(topology), { prefix: randomPrefix() });
      try {
        const ids = Array.from({ length: 50 }, () => randomId());
        await storage.setItems(ids.map((id) => [id, dialog(id, 3)] as const));
        const watch = await monitor(topology);
        stops.push(watch.stop);
        await storage.getItems(ids);
        await storage.getItems(ids, { latest: 'all' });
        await watch.stop();
        expect(watch.seen).toHaveLength(100);
        for (const entry of watch.seen.slice(0, 50)) expect(entry.command).toBe('hmget');
        for (const entry of watch.seen.slice(50)) expect(entry.command).toMatch(/^eval(sha)?$/);
      } finally {
        await storage.close();
      }
    });
  });
}
