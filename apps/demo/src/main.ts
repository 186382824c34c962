#!/usr/bin/env node
import type { Server } from 'node:http';
import '@context-storage/memory';
import '@context-storage/ioredis';
import '@context-storage/node-redis';
import '@context-storage/keyv';
import '@context-storage/postgres';
import { createContextStorage, redactUri, registeredSchemes } from '@context-storage/core';
import {
  COMMAND,
  type DemoCommand,
  listeningUrl,
  parseCommandLine,
  USAGE,
  UsageError,
} from './command-line.js';
import { createDemoServer } from './server.js';

const ABOUT =
  'context-storage demo: a dialog bot whose contexts live in the storage a URI names.\n';

function printHelp(): void {
  const byAdapter = new Map<string, string[]>();
  for (const { scheme, adapter, packageName } of registeredSchemes()) {
    const key = `${adapter} (${packageName})`;
    byAdapter.set(key, [...(byAdapter.get(key) ?? []), `${scheme}://`]);
  }
  process.stdout.write(`${ABOUT}\n${USAGE}\ninstalled adapters and the schemes they serve:\n`);
  for (const [adapter, schemes] of byAdapter)
    process.stdout.write(`  ${adapter}: ${schemes.join(' ')}\n`);
}

/** Listens, or rejects with the socket error (a busy port, an address that is not local). */
function listen(server: Server, command: DemoCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(command.port, command.host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : command.port);
    });
  });
}

/** One line for a socket error of `listen`, in the words of the flag to change. */
function listenFailure(error: NodeJS.ErrnoException, command: DemoCommand): string {
  const where = `${command.host}:${command.port}`;
  if (error.code === 'EADDRINUSE') {
    return `port ${command.port} on ${command.host} is already in use (EADDRINUSE); pick another with --port, or 0 for a free one`;
  }
  if (error.code === 'EACCES')
    return `no permission to listen on ${where} (EACCES); try a port above 1023`;
  if (error.code === 'EADDRNOTAVAIL') {
    return `${command.host} is not an address of this machine (EADDRNOTAVAIL); check --host`;
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return `--host ${command.host} does not resolve (${error.code})`;
  }
  return `cannot listen on ${where}: ${error.message}`;
}

/**
 * Runs the demo. Failures before it serves set `process.exitCode` and return rather than calling
 * `process.exit`: the process then ends only once the storage is really closed, and a client left
 * open would show as a process that does not end.
 */
async function main(): Promise<void> {
  let command: DemoCommand;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${COMMAND}: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    printHelp();
    return;
  }
  const uri = command.storage;
  const storage = await createContextStorage(uri);
  const server = createDemoServer(storage, uri);
  let port: number;
  try {
    port = await listen(server, command);
  } catch (error) {
    await storage.close();
    process.stderr.write(
      `${COMMAND}: ${listenFailure(error as NodeJS.ErrnoException, command)}\n\n${USAGE}`,
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    `demo listening on ${listeningUrl(command.host, port)} (storage ${redactUri(uri)})\n`,
  );
  const stop = () => {
    server.close();
    storage.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // A storage that failed to open (bad URI, backend unreachable, directory locked) has nothing
  // left to close; exit at once rather than wait on whatever its client library still holds.
  process.stderr.write(`${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(1);
});
