import { collect, dialog, randomId } from '@context-storage/core/conformance';
import { RedisPermissionError } from '@context-storage/ioredis';
import { LEAST_PRIVILEGE_COMMANDS } from '@context-storage/redis-layout';
import { type RedisClusterServers, startCluster } from '@context-storage/redis-test-servers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS, TEST_TIMEOUTS } from './matrix.js';

// What a cluster adds to the least-privilege set of tls-acl.test.ts: each client reads the
// topology, and a listing reads each master's own line of CLUSTER NODES.
const STORAGE = LEAST_PRIVILEGE_COMMANDS;
const CLUSTER: Record<(typeof ADAPTERS)[number]['name'], readonly string[]> = {
  ioredis: ['cluster|slots', 'cluster|info', 'cluster|nodes'],
  'node-redis': ['cluster|slots', 'cluster|nodes'],
};
const PASSWORD = 'storage-secret';

function userArgs(name: string, commands: readonly string[]): string[] {
  return [
    '--user',
    name,
    'on',
    `>${PASSWORD}`,
    '~app::*',
    '-@all',
    ...commands.map((c) => `+${c}`),
  ];
}

let cluster: RedisClusterServers;

beforeAll(async () => {
  const users = ADAPTERS.flatMap((row) => [
    userArgs(`${row.name}-storage`, [...STORAGE, ...CLUSTER[row.name]]),
    ...CLUSTER[row.name].map((missing) =>
      userArgs(
        `${row.name}-lacks-${missing.replace('|', '-')}`,
        [...STORAGE, ...CLUSTER[row.name]].filter((command) => command !== missing),
      ),
    ),
  ]);
  cluster = await startCluster({ args: users.flat() });
});

afterAll(async () => {
  await cluster?.stop();
});

// A test that failed half-way leaves keys behind; this cluster is the file's own.
beforeEach(async () => {
  await Promise.all(cluster.nodes.map((node) => node.command(['FLUSHALL'])));
});

const uri = (user: string, query = TEST_TIMEOUTS) =>
  `${cluster.url.replace('://', `://${user}:${PASSWORD}@`)}?prefix=app&${query}`;

for (const row of ADAPTERS) {
  describe(`${row.name} on a cluster, as a user limited to the storage`, () => {
    it(`works with exactly +${CLUSTER[row.name].join(' +')} besides the storage's commands`, async () => {
      const storage = await row.connect(uri(`${row.name}-storage`));
      try {
        const ids = Array.from({ length: 20 }, () => randomId());
        await storage.setItems(ids.map((id) => [id, dialog(id, 2)] as const));
        expect((await storage.getItems(ids)).every((context) => context !== undefined)).toBe(true);
        expect(await storage.len()).toBe(20);
        expect((await collect(storage.ids({ pageSize: 5 }))).sort()).toEqual([...ids].sort());
        await storage.clear();
        expect(await storage.len()).toBe(0);
      } finally {
        await storage.close();
      }
    });

    it.each(CLUSTER[row.name])('fails without +%s', async (missing) => {
      const user = `${row.name}-lacks-${missing.replace('|', '-')}`;
      // ioredis retries a refused ready check (CLUSTER INFO) silently until connectTimeoutMs.
      const quiet = missing === 'cluster|info';
      const error = await (async () => {
        const storage = await row.connect(
          uri(user, quiet ? 'connectTimeoutMs=1000&commandTimeoutMs=1500' : TEST_TIMEOUTS),
        );
        try {
          await storage.setItem(randomId(), dialog('x', 1));
          await collect(storage.ids());
        } finally {
          await storage.close();
        }
      })().then(
        () => undefined,
        (caught: unknown) => caught as Error & { code?: string },
      );
      // A refusal is a PermissionError; ioredis without cluster|info only times out.
      expect(error?.code).toBe(quiet ? 'CONNECTION' : 'PERMISSION');
      if (quiet) {
        expect(error?.message).toMatch(/^cannot connect to .*: no answer within 1000 ms$/);
      } else {
        expect(error).toBeInstanceOf(RedisPermissionError);
        expect((error as RedisPermissionError).command).toBe(missing);
      }
    });
  });
}
