import { readFile } from 'node:fs/promises';
import { CorruptDataError } from '@context-storage/core';
import { collect, dialog, randomId } from '@context-storage/core/conformance';
import { RedisPermissionError } from '@context-storage/ioredis';
import { aclRefusal, LEAST_PRIVILEGE_COMMANDS, WRITE_CONTEXT } from '@context-storage/redis-layout';
import { type RedisTlsServer, startTls } from '@context-storage/redis-test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS, type RedisStorage } from './matrix.js';

/**
 * The least a storage needs on db 0 without a connection name: its own keys (`app::*`) and these
 * commands, each of which some method needs (every one is taken away in turn below). An operator
 * can copy this ACL; the READMEs quote it.
 */
const COMMANDS = LEAST_PRIVILEGE_COMMANDS;

const PASSWORD = 'storage-secret';

/** An ACL user limited to the storage's keys and the given commands. */
function aclUser(name: string, commands: readonly string[]): string {
  return `user ${name} on >${PASSWORD} resetkeys ~app::* resetchannels -@all ${commands.map((command) => `+${command}`).join(' ')}`;
}

const USERS = [
  aclUser('storage', COMMANDS),
  aclUser('storage-select', [...COMMANDS, 'select']),
  aclUser('storage-named', [...COMMANDS, 'client|setname']),
  ...COMMANDS.map((missing) =>
    aclUser(
      `lacks-${missing}`,
      COMMANDS.filter((command) => command !== missing),
    ),
  ),
  'user default on nopass ~* &* +@all',
];

/** Every method the storage offers, each command of the layout used at least once. */
async function everything(storage: RedisStorage, server: RedisTlsServer, db = 0): Promise<void> {
  const [a, b, c] = [randomId('a'), randomId('b'), randomId('c')];
  await storage.setItem(a, dialog(a, 3), { ttlMs: 60_000 }); // HMGET, HSET, PEXPIRE
  await storage.setItems([
    [b, dialog(b, 2)],
    [c, dialog(c, 1)],
  ]);
  await storage.setItem(b, dialog(b, 2)); // HKEYS: a whole overwrite drops the fields it did not set
  expect(await storage.contains(a)).toBe(true); // EXISTS
  const loaded = await storage.getItem(a, { latest: 1 });
  expect(await loaded?.requests.fetch(1)).toEqual({ text: `request 1 of ${a}` });
  expect((await loaded!.requests.fetchAll()).size).toBe(3); // HGETALL
  loaded!.addTurn({ request: 'over TLS' });
  loaded!.requests.delete(2); // HDEL
  await storage.setItem(a, loaded!); // PERSIST: `a` had a TTL, this save has none
  await storage.update(b, (context) => void context.addTurn({ request: 'updated' }));
  expect((await storage.getItems([a, b, c])).map((context) => context?.currentTurnId)).toEqual([
    4, 3, 1,
  ]);
  expect(await storage.len()).toBe(3); // SCAN
  expect((await collect(storage.ids())).sort()).toEqual([a, b, c].sort());
  // A version-checked save over a key that is no hash any more: TYPE names what it holds.
  const stale = await storage.getItem(c);
  await server.cli(
    'EVAL',
    "redis.call('SELECT', ARGV[1]) return redis.call('SET', KEYS[1], 'not a hash')",
    '1',
    `app::${c}`,
    String(db),
  );
  stale!.addTurn({ request: 'lost' });
  const damaged = await storage.setItem(c, stale!).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(damaged instanceof CorruptDataError)) throw damaged ?? new Error('the save went through');
  await storage.setItem(c, dialog(c, 1)); // DEL: a new context over the key of another type
  expect(await storage.delItem(c)).toBe(true); // UNLINK
  expect(await storage.delItems([a, randomId()])).toBe(1);
  await storage.clear();
  expect(await storage.len()).toBe(0);
}

describe('TLS + ACL: a user limited to the storage prefix and the commands it needs', () => {
  let server: RedisTlsServer;

  beforeAll(async () => {
    server = await startTls({ aclUsers: USERS });
  });

  afterAll(async () => {
    await server?.stop();
  });

  // A test that failed half-way leaves keys behind; this server is the file's own.
  beforeEach(async () => {
    await server.cli('FLUSHALL');
  });

  const uri = (user: string, tail = '') => {
    const [path, query] = tail.split('?');
    return `rediss://${user}:${PASSWORD}@127.0.0.1:${server.port}${path}?prefix=app&tlsCaFile=${encodeURIComponent(server.caFile)}${query === undefined ? '' : `&${query}`}`;
  };

  /** A plain ioredis client logged in as one of the users. */
  const userClient = (username: string) =>
    new Redis({
      host: '127.0.0.1',
      port: server.port,
      username,
      password: PASSWORD,
      tls: { ca: server.ca },
    });

  /** Opens a storage, runs `body`, closes it. */
  async function using(
    row: (typeof ADAPTERS)[number],
    target: string,
    body: (storage: RedisStorage) => Promise<void>,
  ): Promise<void> {
    const storage = await row.connect(target);
    try {
      await body(storage);
    } finally {
      await storage.clear().catch(() => {});
      await storage.close();
    }
  }

  /** The error of a promise expected to fail for want of one ACL permission. */
  async function refusal(promise: Promise<unknown>): Promise<RedisPermissionError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisPermissionError);
    expect((error as RedisPermissionError).code).toBe('PERMISSION');
    expect((error as Error).message).not.toContain(PASSWORD);
    return error as RedisPermissionError;
  }

  for (const row of ADAPTERS) {
    describe(row.name, () => {
      it('quotes exactly these commands in its README', async () => {
        const readme = await readFile(
          new URL(`../../${row.name}/README.md`, import.meta.url),
          'utf8',
        );
        expect(readme).toContain(`-@all ${COMMANDS.map((command) => `+${command}`).join(' ')}\n`);
      });

      it('can do everything the storage offers with exactly these commands', async () => {
        await using(row, uri('storage'), (storage) => everything(storage, server));
        // The ACL really limits the user: a key outside the prefix is refused.
        expect(await server.cli('ACL', 'DRYRUN', 'storage', 'GET', 'other::x')).toMatch(
          /permissions/,
        );
      });

      it.each(COMMANDS)('fails without +%s, with an error naming it', async (missing) => {
        // Scripts not yet known to the server: a client must EVAL them first.
        await server.cli('SCRIPT', 'FLUSH');
        const error = await refusal(
          using(row, uri(`lacks-${missing}`), (storage) => everything(storage, server)),
        );
        expect(error.command).toBe(missing);
        expect(error.message).toContain(`+${missing}`);
      });

      it('needs +select only for a database other than 0', async () => {
        const error = await refusal(row.connect(uri('storage', '/1')));
        expect(error.command).toBe('select');
        expect(error.message).toMatch(/^cannot connect to rediss:\/\/storage:\*\*\*@/);
        await using(row, uri('storage-select', '/1'), (storage) => everything(storage, server, 1));
      });

      it('needs +client|setname only with ?name=', async () => {
        const error = await refusal(row.connect(uri('storage', '?name=bot-1')));
        expect(error.command).toBe('client|setname');
        await using(row, uri('storage-named', '?name=bot-1'), (storage) =>
          everything(storage, server),
        );
      });
    });
  }

  it('reports a refused read inside the save script as that, not as damaged data', async () => {
    const client = userClient('lacks-hmget');
    try {
      // A save expecting no stored context (version 0) of app::x, with nothing to delete or set.
      const error = await client
        .eval(WRITE_CONTEXT.source, 1, 'app::x', '0', '', '0', '0', '0', '0')
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(aclRefusal(error)?.command).toBe('hmget');
    } finally {
      client.disconnect();
    }
  });

  it("does not hide other prefixes' key names from SCAN: a key pattern limits access, not listing", async () => {
    await server.cli('SET', 'other::user-42', 'x');
    const client = userClient('storage');
    try {
      const [, keys] = await client.scan('0', 'MATCH', 'other::*', 'COUNT', '1000');
      expect(keys).toContain('other::user-42');
      await expect(client.exists('other::user-42')).rejects.toThrow(/NOPERM/);
    } finally {
      client.disconnect();
      await server.cli('DEL', 'other::user-42');
    }
  });
});
