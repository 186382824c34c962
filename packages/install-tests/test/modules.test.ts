import { describe, expect, inject, it } from 'vitest';
import { reported, runScript } from './consumer-project.js';

// Every public package, installed from its tarball by npm, used as an application would: from
// an ES module and from a CommonJS script.

const { app } = inject('release');

const ADAPTERS = [
  ['@context-storage/memory', 'MemoryContextStorage'],
  ['@context-storage/ioredis', 'IoRedisContextStorage'],
  ['@context-storage/node-redis', 'NodeRedisContextStorage'],
  ['@context-storage/keyv', 'KeyvContextStorage'],
  ['@context-storage/postgres', 'PostgresContextStorage'],
] as const;

/**
 * A dialog saved and read back through `createContextStorage('memory://')`, as a report; run
 * before the script loads any adapter, so that the registry loads the memory adapter itself.
 */
const DIALOG = `
  const storage = await createContextStorage('memory://');
  const context = new Context('dialog-1');
  context.addTurn({ request: 'hi', response: 'hello' });
  await storage.setItem('dialog-1', context);
  const loaded = await storage.getItem('dialog-1');
  await storage.close();
  let closed;
  try { await storage.len(); } catch (error) { closed = { name: error.name, ownClass: error instanceof ClosedStorageError }; }
  report.dialog = { turns: loaded.latestTurns(5), ownContext: loaded instanceof Context, closed };
`;

describe('the installed packages', () => {
  it('load from an ES module: every entry point, adapters and a dialog on memory://', async () => {
    const output = await runScript(
      app,
      'esm.mjs',
      `import { ClosedStorageError, Context, createContextStorage } from '@context-storage/core';
      import * as toolkit from '@context-storage/core/adapter';
      import * as conformance from '@context-storage/core/conformance';
      const report = {
        adapters: {},
        toolkit: typeof toolkit.boundedCall,
        conformance: typeof conformance.describeContextStorage,
      };
      ${DIALOG}
      ${ADAPTERS.map(([name, cls]) => `report.adapters[${JSON.stringify(name)}] = typeof (await import(${JSON.stringify(name)})).${cls};`).join('\n')}
      console.log(JSON.stringify(report));`,
    );
    expect(reported(output)).toEqual(expected());
  });

  it('load from CommonJS with require(): core, its ./adapter and ./conformance, every adapter', async () => {
    const output = await runScript(
      app,
      'cjs.cjs',
      `const { ClosedStorageError, Context, createContextStorage } = require('@context-storage/core');
      const toolkit = require('@context-storage/core/adapter');
      const conformance = require('@context-storage/core/conformance');
      const report = {
        adapters: {},
        toolkit: typeof toolkit.boundedCall,
        conformance: typeof conformance.describeContextStorage,
        files: [require.resolve('@context-storage/core'), require.resolve('@context-storage/memory')],
      };
      (async () => {
        // Before any adapter is required: createContextStorage loads the memory adapter itself.
        ${DIALOG}
        ${ADAPTERS.map(([name, cls]) => `report.adapters[${JSON.stringify(name)}] = typeof require(${JSON.stringify(name)}).${cls};`).join('\n')}
        console.log(JSON.stringify(report));
      })();`,
    );
    const report = reported<ReturnType<typeof expected> & { files: string[] }>(output);
    // The CommonJS builds, not Node's require() of the ES module builds.
    expect(report.files.map((file) => file.replace(/^.*\/dist\//, 'dist/'))).toEqual([
      'dist/index.cjs',
      'dist/index.cjs',
    ]);
    const { files: _files, ...rest } = report;
    // The storage createContextStorage opened is built on this copy of core (the CommonJS one):
    // its contexts are this Context, its errors this ClosedStorageError.
    expect(rest).toEqual(expected());
  });
});

function expected() {
  return {
    adapters: Object.fromEntries(ADAPTERS.map(([name]) => [name, 'function'])),
    toolkit: 'function',
    conformance: 'function',
    dialog: {
      turns: [{ turnId: 1, request: 'hi', response: 'hello' }],
      ownContext: true,
      closed: { name: 'ClosedStorageError', ownClass: true },
    },
  };
}
