#!/usr/bin/env node
import { parseArgs } from 'node:util';
import '@context-storage/memory';
import '@context-storage/ioredis';
import '@context-storage/node-redis';
import '@context-storage/keyv';
import '@context-storage/postgres';
import { createContextStorage, redactUri, registeredSchemes } from '@context-storage/core';
import { createDemoServer } from './server.js';

const HELP = `context-storage demo: a dialog bot whose contexts live in the storage a URI names.

usage: context-storage-demo [--storage URI] [--port N] [--help]

  --storage URI   where contexts live (default: $CONTEXT_STORAGE_URI, else memory://)
  --port N        HTTP port (default: $PORT, else 3000; 0 picks a free one)

installed adapters and the schemes they serve:
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      storage: { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    const byAdapter = new Map<string, string[]>();
    for (const { scheme, adapter, packageName } of registeredSchemes()) {
      const key = `${adapter} (${packageName})`;
      byAdapter.set(key, [...(byAdapter.get(key) ?? []), `${scheme}://`]);
    }
    process.stdout.write(HELP);
    for (const [adapter, schemes] of byAdapter)
      process.stdout.write(`  ${adapter}: ${schemes.join(' ')}\n`);
    return;
  }
  const uri = values.storage ?? process.env.CONTEXT_STORAGE_URI ?? 'memory://';
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const storage = await createContextStorage(uri);
  const server = createDemoServer(storage, uri);
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const actual = typeof address === 'object' && address !== null ? address.port : port;
    process.stdout.write(
      `demo listening on http://127.0.0.1:${actual}/ (storage ${redactUri(uri)})\n`,
    );
  });
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
  process.stderr.write(`${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(1);
});
