import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { installProject, reported, runScript } from './consumer-project.js';

// A project that installed core and one adapter, the memory one, and nothing else.

const { out, byName } = inject('release');
const dir = join(out, 'memory-only');

beforeAll(async () => {
  await installProject(dir, {
    '@context-storage/core': `file:${byName['@context-storage/core']}`,
    '@context-storage/memory': `file:${byName['@context-storage/memory']}`,
  });
});

/** What `createContextStorage(uri)` gave in the project: a storage's kind, or the error. */
async function open(uri: string, kind: 'esm' | 'cjs' = 'esm') {
  const body = `
    try {
      const storage = await createContextStorage(${JSON.stringify(uri)});
      const name = storage.constructor.name;
      await storage.close();
      console.log(JSON.stringify({ opened: name }));
    } catch (error) {
      console.log(JSON.stringify({ error: { name: error.name, code: error.code, packageName: error.packageName, message: error.message } }));
    }`;
  return kind === 'esm'
    ? reported(
        await runScript(
          dir,
          'open.mjs',
          `import { createContextStorage } from '@context-storage/core';\n${body}`,
        ),
      )
    : reported(
        await runScript(
          dir,
          'open.cjs',
          `const { createContextStorage } = require('@context-storage/core');\n(async () => {${body}})();`,
        ),
      );
}

describe('a project with only @context-storage/memory', () => {
  it('opens memory:// by URI, from an ES module and from CommonJS', async () => {
    expect(await open('memory://')).toEqual({ opened: 'MemoryContextStorage' });
    expect(await open('memory://', 'cjs')).toEqual({ opened: 'MemoryContextStorage' });
  });

  it('names the adapter package to install for a scheme whose adapter is missing', async () => {
    const redis = await open('redis://127.0.0.1:6379');
    expect(redis).toMatchObject({
      error: {
        name: 'UnknownSchemeError',
        code: 'UNKNOWN_SCHEME',
        packageName: '@context-storage/ioredis or @context-storage/node-redis',
      },
    });
    expect(String((redis.error as { message: string }).message)).toContain(
      'npm install @context-storage/ioredis or @context-storage/node-redis',
    );
    expect(await open('postgres://127.0.0.1/db', 'cjs')).toMatchObject({
      error: { name: 'UnknownSchemeError', packageName: '@context-storage/postgres' },
    });
    expect(await open('keyv+redis://127.0.0.1')).toMatchObject({
      error: { name: 'UnknownSchemeError', packageName: '@context-storage/keyv' },
    });
  });
});
