import { describe, expect, inject, it } from 'vitest';
import { reported, runScript } from './consumer-project.js';

// Two copies of core in one application: npm nests a second one when the application's core and
// an adapter's differ in version (here `core2`, the same tarball under another name), and an ES
// module application that also loads CommonJS code has the two builds of one copy. A context
// made by either must be saved by a storage of the other.

const { app } = inject('release');

describe('two copies of core', () => {
  it('a storage of one copy saves a Context made by another copy (npm nesting)', async () => {
    const output = await runScript(
      app,
      'two-copies.mjs',
      `import { createContextStorage } from '@context-storage/core';
      import { Context } from 'core2';
      const storage = await createContextStorage('memory://');
      const context = new Context('dialog');
      context.addTurn({ request: 'hi' });
      await storage.setItem('dialog', context);
      const loaded = await storage.getItem('dialog');
      console.log(JSON.stringify({ turns: loaded.latestTurns(1) }));`,
    );
    expect(reported(output)).toEqual({ turns: [{ turnId: 1, request: 'hi' }] });
  });

  it('a storage of the ES module build saves a Context of the CommonJS build', async () => {
    const output = await runScript(
      app,
      'two-builds.mjs',
      `import { createRequire } from 'node:module';
      import { createContextStorage } from '@context-storage/core';
      const { Context } = createRequire(import.meta.url)('@context-storage/core');
      const storage = await createContextStorage('memory://');
      await storage.setItem('dialog', new Context('dialog'));
      console.log(JSON.stringify({ contains: await storage.contains('dialog') }));`,
    );
    expect(reported(output)).toEqual({ contains: true });
  });
});
