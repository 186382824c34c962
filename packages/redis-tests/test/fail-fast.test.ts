import { createServer, type Server, type Socket } from 'node:net';
import { isContextStorageError } from '@context-storage/core';
import {
  getFreePort,
  pauseServer,
  type RedisServer,
  resumeServer,
  startStandalone,
} from '@context-storage/redis-test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './matrix.js';

const BOUND_MS = 1_000;

/** Expects a first connection to fail with CONNECTION, with a cause, within the bound. */
async function expectFastFailure(
  open: () => Promise<unknown>,
  cause: RegExp,
): Promise<Error & { code?: string }> {
  const started = Date.now();
  const error = (await open().then(
    () => undefined,
    (caught: unknown) => caught,
  )) as (Error & { code?: string }) | undefined;
  const elapsed = Date.now() - started;
  expect(error, 'the connection should have failed').toBeDefined();
  expect(isContextStorageError(error)).toBe(true);
  expect(error!.code).toBe('CONNECTION');
  expect(`${error!.message} ${String((error!.cause as Error | undefined)?.message)}`).toMatch(
    cause,
  );
  expect(elapsed).toBeLessThan(BOUND_MS + 2_000);
  return error!;
}

describe('a first connection that cannot be made fails fast, with the real cause', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let silentPort: number;
  let guarded: RedisServer;

  beforeAll(async () => {
    // A peer that accepts TCP connections and never answers a byte.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    silentPort = await getFreePort();
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
    guarded = await startStandalone({ password: 'right-password' });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await guarded.stop();
  });

  for (const row of ADAPTERS) {
    describe(row.name, () => {
      it('connection refused', async () => {
        const port = await getFreePort(); // nothing listens there
        await expectFastFailure(
          () => row.connect(`redis://127.0.0.1:${port}?connectTimeoutMs=${BOUND_MS}`),
          /ECONNREFUSED/,
        );
      });

      it('a peer that accepts TCP and never answers', async () => {
        await expectFastFailure(
          () => row.connect(`redis://127.0.0.1:${silentPort}?connectTimeoutMs=${BOUND_MS}`),
          /within 1000 ms|timed? ?out/i,
        );
      });

      // Each bound is the documented one: connectTimeoutMs for the first connection (ioredis used
      // to end it at commandTimeoutMs), commandTimeoutMs for later calls only.
      describe.each(['redis', 'redis+cluster'])('a silent peer through %s://', (scheme) => {
        it.each([
          [2_000, 500],
          [500, 2_000],
        ])(
          'fails after connectTimeoutMs=%i, whatever commandTimeoutMs (%i)',
          async (connectMs, commandMs) => {
            const started = Date.now();
            const error = await row
              .connect(
                `${scheme}://127.0.0.1:${silentPort}?connectTimeoutMs=${connectMs}&commandTimeoutMs=${commandMs}`,
              )
              .then(
                () => undefined,
                (caught: unknown) => caught as Error & { code?: string },
              );
            const elapsed = Date.now() - started;
            expect(error?.code).toBe('CONNECTION');
            expect(error?.message).toContain(`within ${connectMs} ms`);
            expect(elapsed).toBeGreaterThanOrEqual(connectMs * 0.9);
            expect(elapsed).toBeLessThan(connectMs + 1_000);
          },
        );
      });

      it.each([
        [3_000, 500],
        [500, 2_000],
      ])(
        'once connected (connectTimeoutMs=%i), a call the server does not answer fails after commandTimeoutMs=%i',
        async (connectMs, commandMs) => {
          const storage = await row.connect(
            `redis://default:right-password@127.0.0.1:${guarded.port}?connectTimeoutMs=${connectMs}&commandTimeoutMs=${commandMs}`,
          );
          const paused = pauseServer(guarded.describe());
          try {
            const started = Date.now();
            const error = await storage.getItem('x').then(
              () => undefined,
              (caught: unknown) => caught as Error & { code?: string },
            );
            const elapsed = Date.now() - started;
            expect(error?.code).toBe('CONNECTION');
            expect(elapsed).toBeGreaterThanOrEqual(commandMs * 0.9);
            expect(elapsed).toBeLessThan(commandMs + 1_000);
          } finally {
            resumeServer(paused);
            await storage.close();
          }
        },
      );

      it('a wrong password, never shown in the error', async () => {
        const error = await expectFastFailure(
          () =>
            row.connect(
              `redis://default:wrong-password@127.0.0.1:${guarded.port}?connectTimeoutMs=${BOUND_MS}`,
            ),
          /WRONGPASS|invalid username-password/,
        );
        expect(error.message).not.toContain('wrong-password');
      });

      it('a TLS server whose certificate is not trusted', async () => {
        const tls = await startStandalone({ tls: true });
        try {
          await expectFastFailure(
            () => row.connect(`rediss://127.0.0.1:${tls.port}?connectTimeoutMs=${BOUND_MS}`),
            /certificate|self.signed|unable to verify/i,
          );
        } finally {
          await tls.stop();
        }
      });
    });
  }
});
