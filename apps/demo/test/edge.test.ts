import { MemoryContextStorage } from '@context-storage/memory';
import { describe, expect, it } from 'vitest';
import { createDemoServer, type DemoServerOptions } from '../src/server.js';
import { startDemo } from './helpers.js';
import { type RawAnswer, rawExchange } from './raw-client.js';

/** Short bounds, so a slow client shows within about a second. */
const SHORT: Required<Pick<DemoServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs'>> = {
  headersTimeoutMs: 500,
  requestTimeoutMs: 1_000,
};
/** What Node's connection check (a quarter of the bound here) and a loaded machine may add. */
const SLACK_MS = 750;
const FIVE_MB = Buffer.alloc(5 * 1024 * 1024, 'x');

function expectJsonError(answer: RawAnswer | undefined, status: number, code: string): void {
  expect(answer?.status).toBe(status);
  expect(answer?.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(answer?.body ?? 'null')).toEqual({
    error: { code, message: expect.any(String) },
  });
}

describe("the demo's HTTP edge", () => {
  it.each(['%', '%ZZ', '%FF', 'ab%E0%A4%A', '%C0%AF'])(
    'answers a malformed percent-escape in the context id (%s) with 400 BAD_PATH',
    async (segment) => {
      const demo = await startDemo(new MemoryContextStorage());
      for (const method of ['GET', 'DELETE']) {
        expect(await demo.call(method, `/api/contexts/${segment}`)).toEqual({
          status: 400,
          body: { error: { code: 'BAD_PATH', message: expect.any(String) } },
        });
      }
    },
  );

  it('answers CONNECT with a 405 JSON error and closes the connection', async () => {
    const demo = await startDemo(new MemoryContextStorage());
    const { answer, closedAfterMs } = await rawExchange(
      demo.base,
      ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'],
      { untilClosed: true },
    );
    expectJsonError(answer, 405, 'METHOD_NOT_ALLOWED');
    expect(answer?.headers.allow).toBe('GET, HEAD, POST, DELETE');
    expect(closedAfterMs).toBeDefined();
    expect((await demo.call('GET', '/api/contexts')).status).toBe(200);
  });

  it('serves a request with an Upgrade header as a plain request (no 101, no hijacked socket)', async () => {
    const demo = await startDemo(new MemoryContextStorage());
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n';
    const { answer } = await rawExchange(demo.base, [
      `GET /api/contexts HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`,
    ]);
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer?.body ?? 'null')).toEqual({ count: 0, backend: 'memory://' });
    const refused = await rawExchange(demo.base, [
      `GET /api/nothing HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`,
    ]);
    expectJsonError(refused.answer, 404, 'NOT_FOUND');
  });

  it('answers every 5 MB body sent without Expect: 100-continue with the 413, never a reset', async () => {
    const demo = await startDemo(new MemoryContextStorage());
    const head = (length: string) =>
      `POST /api/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n${length}\r\n\r\n`;
    const chunked = Buffer.concat([
      Buffer.from(`${FIVE_MB.length.toString(16)}\r\n`),
      FIVE_MB,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const tries = [
      ...Array.from({ length: 20 }, () => [head(`content-length: ${FIVE_MB.length}`), FIVE_MB]),
      ...Array.from({ length: 5 }, () => [head('transfer-encoding: chunked'), chunked]),
    ];
    for (const parts of tries) {
      const { answer, error } = await rawExchange(demo.base, parts, { readAfterSending: true });
      expect(error).toBeUndefined();
      expectJsonError(answer, 413, 'TOO_LARGE');
      expect(answer?.headers.connection).toBe('close');
    }
    expect((await demo.say('after', 'hi')).status).toBe(200);
  });

  it('uses 10 s for the headers, 30 s for the request and 5 s of keep-alive by default', () => {
    const server = createDemoServer(new MemoryContextStorage(), 'memory://');
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.keepAliveTimeout).toBe(5_000);
  });

  it.each([
    ['sends nothing', [], undefined],
    ['sends its headers one line at a time', ['GET / HTTP/1.1\r\nHost: x\r\n'], 'X-Slow: 1\r\n'],
    ['never ends its request line', ['GET /api/contexts HT'], undefined],
  ])(
    'closes within the headers timeout the socket of a client that %s (408)',
    async (_, parts, chunk) => {
      const demo = await startDemo(new MemoryContextStorage(), 'memory://', SHORT);
      const { answer, closedAfterMs } = await rawExchange(demo.base, parts, {
        untilClosed: true,
        ...(chunk === undefined ? {} : { trickle: { chunk, everyMs: 50 } }),
      });
      expect(closedAfterMs).toBeGreaterThanOrEqual(SHORT.headersTimeoutMs - 50);
      expect(closedAfterMs).toBeLessThan(SHORT.headersTimeoutMs + SLACK_MS);
      expectJsonError(answer, 408, 'REQUEST_TIMEOUT');
    },
  );

  it('closes within the request timeout the socket of a client that never finishes its body (408)', async () => {
    const demo = await startDemo(new MemoryContextStorage(), 'memory://', SHORT);
    const head =
      'POST /api/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n';
    const { answer, closedAfterMs } = await rawExchange(demo.base, [head, '{"userId"'], {
      untilClosed: true,
      trickle: { chunk: ' ', everyMs: 50 },
    });
    expect(closedAfterMs).toBeGreaterThanOrEqual(SHORT.requestTimeoutMs - 50);
    expect(closedAfterMs).toBeLessThan(SHORT.requestTimeoutMs + SLACK_MS);
    expectJsonError(answer, 408, 'REQUEST_TIMEOUT');
    expect((await demo.call('GET', '/api/contexts')).body.count).toBe(0);
  });

  it('after a 413, reads the rest of the body only until the request timeout', async () => {
    const demo = await startDemo(new MemoryContextStorage(), 'memory://', SHORT);
    const head =
      'POST /api/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n';
    const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
    const { answer, closedAfterMs } = await rawExchange(demo.base, [head, chunk.repeat(20)], {
      untilClosed: true,
      trickle: { chunk, everyMs: 20 },
    });
    expectJsonError(answer, 413, 'TOO_LARGE');
    expect(closedAfterMs).toBeLessThan(SHORT.requestTimeoutMs + SLACK_MS);
  });
});
