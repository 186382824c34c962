import { redisCli } from '@context-storage/redis-test-servers';
import { describe, expect, inject, it } from 'vitest';
import { pgliteDir, postgresUri, redisUri, runDemo, spawnDemo } from './helpers.js';

/** The shared backends two demo processes can run on at once. */
const SHARED = [
  { name: 'Redis (ioredis)', uri: () => redisUri('ioredis') },
  { name: 'Redis (node-redis)', uri: () => redisUri('node-redis') },
  { name: 'PostgreSQL', uri: () => postgresUri() },
];

describe.each(SHARED)('two demo processes on one $name', (backend) => {
  it('continue one dialog whichever process gets the next message', async () => {
    const uri = backend.uri();
    const [left, right] = await Promise.all([spawnDemo(uri), spawnDemo(uri)]);
    expect(left.base).not.toBe(right.base);
    expect((await left.say('ada', 'hi')).body.reply.node).toBe('ask-name');
    expect((await right.say('ada', 'Ada')).body.reply.text).toMatch(/Nice to meet you, Ada/);
    const third = await left.say('ada', 'chess');
    expect(third.body.reply.text).toMatch(/Ada likes chess/);
    expect(third.body.context).toMatchObject({ version: 3, currentTurnId: 3 });
    expect((await right.read('ada')).body.context).toMatchObject({
      version: 3,
      misc: { name: 'Ada', topic: 'chess' },
    });
    expect((await right.call('DELETE', '/api/contexts/ada')).body.deleted).toBe(true);
    expect((await left.read('ada')).status).toBe(404);
  });

  it('lose no turn when one user writes to both processes at the same moment', async () => {
    const uri = backend.uri();
    const demos = await Promise.all([spawnDemo(uri), spawnDemo(uri)]);
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => demos[i % 2]?.say('busy', `message ${i}`)),
    );
    expect(replies.map((reply) => reply?.status)).toEqual(Array(12).fill(200));
    const stored = (await demos[0]?.read('busy'))?.body.context;
    expect(stored).toMatchObject({ version: 12, currentTurnId: 12, misc: { messages: 12 } });
    expect((await demos[1]?.call('GET', '/api/contexts'))?.body.count).toBe(1);
  });
});

describe.each(['ioredis', 'node-redis'] as const)('a demo process on Redis (%s)', (client) => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'closes its storage and exits 0 on %s',
    async (signal) => {
      const { standalone } = inject('redis');
      const name = `demo-${signal.toLowerCase()}-${client}`;
      const demo = await spawnDemo(redisUri(client, `&name=${name}`));
      await demo.say('u', 'hi');
      expect(standalone?.external).toBe(false);
      const server = standalone?.external === false ? standalone.server : undefined;
      if (server === undefined) throw new Error('needs the test server');
      expect(await redisCli(server, 'CLIENT', 'LIST')).toContain(`name=${name}`);
      demo.child.kill(signal);
      expect(await demo.exited).toBe(0);
      expect(demo.output()).not.toMatch(/error/i);
      expect(await redisCli(server, 'CLIENT', 'LIST')).not.toContain(`name=${name}`);
    },
  );
});

describe('a demo process on PGlite (pglite://dir)', () => {
  const dir = pgliteDir();

  it('keeps its dialogs across restarts, and refuses a second process on the directory', async () => {
    const uri = `pglite://${dir}`;
    const first = await spawnDemo(uri);
    expect((await first.say('ada', 'hi')).body.reply.node).toBe('ask-name');
    expect((await first.say('ada', 'Ada')).status).toBe(200);
    const second = await runDemo(['--storage', uri, '--port', '0']);
    expect(second.code, 'a directory held by a live process is refused').toBe(1);
    expect(second.stderr).toMatch(/in use|held|locked/i);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const again = await spawnDemo(uri);
    const third = await again.say('ada', 'chess');
    expect(third.body.reply.text).toMatch(/Ada likes chess/);
    expect(third.body.context).toMatchObject({ version: 3, currentTurnId: 3 });
  });
});

describe('the demo command line', () => {
  it('exits 0 on SIGTERM on memory://', async () => {
    const demo = await spawnDemo('memory://');
    await demo.say('u', 'hi');
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });

  it('--help lists the installed adapters and the schemes they serve', async () => {
    const { code, stdout } = await runDemo(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/memory \(@context-storage\/memory\): memory:\/\//);
    expect(stdout).toMatch(/@context-storage\/ioredis\).*redis:\/\/.*redis\+sentinel:\/\//);
    expect(stdout).toMatch(/@context-storage\/node-redis\)/);
    expect(stdout).toMatch(/@context-storage\/keyv\).*keyv\+redis:\/\//);
    expect(stdout).toMatch(/@context-storage\/postgres\).*postgres:\/\/.*pglite:\/\//);
  });

  it('refuses a bad URI with a typed error that hides the password, and exits 1', async () => {
    const { code, stderr } = await runDemo(['--storage', 'redis://me:s3cret@127.0.0.1/x/y']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^InvalidUriError: /);
    expect(stderr).not.toContain('s3cret');
    const unknown = await runDemo(['--storage', 'mongodb://db']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^UnknownSchemeError: .*mongodb/);
  });

  it('exits 1 with a connection error when the backend cannot be reached', async () => {
    const { code, stderr } = await runDemo([
      '--storage',
      'redis://127.0.0.1:1?connectTimeoutMs=1000',
      '--port',
      '0',
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^ConnectionError: /);
  });
});
