import { createServer, type Server } from 'node:net';
import { redisCli } from '@context-storage/redis-test-servers';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type DemoRun, redisUri, runDemo, spawnDemo } from './helpers.js';

/** The usage block every refused command line ends with. */
const USAGE_LINE = 'usage: context-storage-demo [--storage URI] [--host HOST] [--port N] [--help]';

/** A refusal: one line naming the problem, a blank line, the usage; no stack trace, no stdout. */
function expectRefusal(run: DemoRun, code: number, line: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  const [first, blank, usage] = run.stderr.split('\n');
  expect(first).toMatch(line);
  expect(blank).toBe('');
  expect(usage).toBe(USAGE_LINE);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout).toBe('');
}

const held: Server[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** Holds a free port on 127.0.0.1, as another program would, for the rest of the test. */
async function busyPort(): Promise<number> {
  const server = createServer();
  held.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('a command line the demo cannot run', () => {
  it.each([
    [['--bogus'], /^context-storage-demo: Unknown option '--bogus'$/],
    [['--port'], /^context-storage-demo: Option '--port <value>' argument missing$/],
    [['stray'], /^context-storage-demo: Unexpected argument 'stray'\.$/],
    [
      ['--port', 'abc'],
      /^context-storage-demo: --port must be an integer from 0 to 65535, got "abc"$/,
    ],
    [['--port', '70000'], /^context-storage-demo: --port must be .*"70000"$/],
    [['--port', '-1'], /^context-storage-demo: /],
    [['--host', ''], /^context-storage-demo: --host must name an address/],
  ])('%j prints one line and the usage, and exits 2', async (args, line) => {
    expectRefusal(await runDemo(args), 2, line);
  });

  it('a busy port prints one line and the usage, and exits 1', async () => {
    const port = await busyPort();
    const run = await runDemo(['--storage', 'memory://', '--port', String(port)]);
    expectRefusal(
      run,
      1,
      new RegExp(
        `^context-storage-demo: port ${port} on 127\\.0\\.0\\.1 is already in use \\(EADDRINUSE\\)`,
      ),
    );
  });

  it.each(['ioredis', 'node-redis'] as const)(
    'a busy port closes the Redis storage it opened (%s): the process ends by itself',
    async (client) => {
      const { standalone } = inject('redis');
      const server = standalone?.external === false ? standalone.server : undefined;
      if (server === undefined) throw new Error('needs the test server');
      const connections = async () =>
        Number(
          /total_connections_received:(\d+)/.exec(await redisCli(server, 'INFO', 'stats'))?.[1],
        );
      const before = await connections();
      const port = await busyPort();
      // runDemo fails the test when the process does not end within 20 s: an open client would
      // keep it alive, since the demo sets its exit code instead of calling process.exit.
      const name = `demo-busy-port-${client}`;
      const uri = redisUri(client, `&name=${name}`);
      const run = await runDemo(['--storage', uri, '--port', String(port)]);
      expectRefusal(run, 1, /already in use \(EADDRINUSE\)/);
      expect(await connections(), 'the storage was opened before listening').toBeGreaterThan(
        before,
      );
      expect(await redisCli(server, 'CLIENT', 'LIST')).not.toContain(`name=${name}`);
    },
  );
});

describe('--host and /healthz', () => {
  it('listens on the loopback address by default, and on the one --host names', async () => {
    const byDefault = await spawnDemo('memory://');
    expect(byDefault.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // 127.0.0.2 is loopback too on Linux: the test never leaves the machine.
    const other = await spawnDemo('memory://', {}, ['--host', '127.0.0.2']);
    expect(other.base).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect((await fetch(`${other.base}/healthz`)).status).toBe(200);
    const port = new URL(other.base).port;
    await expect(
      fetch(`http://127.0.0.1:${port}/healthz`),
      'not on every address',
    ).rejects.toThrow();
  });

  it('--host that is not an address of this machine prints one line and the usage', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned, so binding fails without any traffic.
    const run = await runDemo(['--host', '192.0.2.1', '--port', '0']);
    expectRefusal(
      run,
      1,
      /^context-storage-demo: 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\)/,
    );
  });

  it('GET /healthz answers 200 with the backend and the probe time', async () => {
    const demo = await spawnDemo('memory://');
    const response = await fetch(`${demo.base}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body).toEqual({ status: 'ok', backend: 'memory://', probeMs: expect.any(Number) });
    expect((await fetch(`${demo.base}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${demo.base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
