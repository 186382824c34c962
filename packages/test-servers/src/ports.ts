import { createServer } from 'node:net';
import { ServerStartError } from './launch.js';

/** The only address the test servers listen on. */
export const LOOPBACK = '127.0.0.1';

// Ports handed out by this process, so that two servers started at once never get the same one
// (the kernel may hand a just-closed port out again).
const handedOut = new Set<number>();

function probe(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that is free right now and that this process has not handed out before.
 * Another process may still take it before it is used: start servers through
 * {@link startOnFreePort}, which retries with a new port. Cost: binding and closing one loopback socket (well under 1 ms).
 *
 * @throws when no free port is found after 50 probes
 */
export async function getFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await probe();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port found after 50 probes');
}

/**
 * Runs `start` with a free port, and again with a new one when the server could not bind it
 * because another process took it meanwhile (a `ServerStartError` whose `addressInUse` is set),
 * up to `attempts` times in all. `start` picks any further ports it needs itself. Cost: what
 * `start` costs, once per attempt.
 *
 * @throws what the last attempt threw
 */
export async function startOnFreePort<T>(
  start: (port: number) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await getFreePort();
    try {
      return await start(port);
    } catch (error) {
      if (!(error instanceof ServerStartError && error.addressInUse) || attempt >= attempts) {
        throw error;
      }
    }
  }
}
