import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { installProject, reported, runScript } from './consumer-project.js';

// A project that installed the adapters but not their client libraries (peer dependencies left
// out, as yarn 1 and npm --legacy-peer-deps do): opening a storage, by URI or through the
// adapter's class, must be a typed error that names the package to install.

const { out, byName } = inject('release');
const dir = join(out, 'no-clients');

beforeAll(async () => {
  await installProject(
    dir,
    Object.fromEntries(
      [
        '@context-storage/core',
        '@context-storage/redis-layout',
        '@context-storage/ioredis',
        '@context-storage/node-redis',
        '@context-storage/keyv',
        '@context-storage/postgres',
      ].map((name) => [name, `file:${byName[name]}`]),
    ),
    { legacyPeerDeps: true },
  );
});

/** The error an expression (awaited in the project) raised, as a report. */
async function failure(imports: string, expression: string, kind: 'esm' | 'cjs' = 'esm') {
  const body = `
    try {
      await ${expression};
      console.log(JSON.stringify({ opened: true }));
    } catch (error) {
      console.log(JSON.stringify({ name: error.name, code: error.code, packageName: error.packageName, message: error.message }));
    }`;
  const source =
    kind === 'esm'
      ? `${imports}\n${body}`
      : `${imports.replace(/import \{([^}]*)\} from ('[^']*');/g, 'const {$1} = require($2);')}\n(async () => {${body}})();`;
  return reported<{ name: string; code: string; packageName: string; message: string }>(
    await runScript(dir, kind === 'esm' ? 'open.mjs' : 'open.cjs', source),
  );
}

const CORE = "import { createContextStorage } from '@context-storage/core';";

/** A `MissingPackageError` naming `packageName`, whose message says how to install it. */
function missing(packageName: string) {
  return {
    name: 'MissingPackageError',
    code: 'MISSING_PACKAGE',
    packageName,
    message: expect.stringContaining(`npm install ${packageName}`),
  };
}

describe('a project with the adapters but not their client libraries', () => {
  it('createContextStorage names ioredis, redis, keyv and pg', async () => {
    // Port 1: nothing is ever reached, the client library is missing before any connection.
    expect(await failure(CORE, "createContextStorage('redis://127.0.0.1:1')")).toEqual(
      missing('ioredis'),
    );
    expect(
      await failure(CORE, "createContextStorage('redis://127.0.0.1:1?client=node-redis')", 'cjs'),
    ).toEqual(missing('redis'));
    expect(await failure(CORE, "createContextStorage('keyv+redis://127.0.0.1:1')")).toEqual(
      missing('keyv'),
    );
    expect(await failure(CORE, "createContextStorage('postgres://127.0.0.1:1/db')")).toEqual(
      missing('pg'),
    );
  });

  it.each([
    ['IoRedisContextStorage', '@context-storage/ioredis', 'redis://127.0.0.1:1', 'ioredis'],
    ['NodeRedisContextStorage', '@context-storage/node-redis', 'redis://127.0.0.1:1', 'redis'],
    ['KeyvContextStorage', '@context-storage/keyv', 'keyv+redis://127.0.0.1:1', 'keyv'],
    ['PostgresContextStorage', '@context-storage/postgres', 'postgres://127.0.0.1:1/db', 'pg'],
  ])(
    '%s (%s) loads without its client library; connect() names it',
    async (cls, name, uri, client) => {
      for (const kind of ['esm', 'cjs'] as const) {
        const imports = `import { ${cls} } from '${name}';`;
        expect(await failure(imports, `${cls}.connect('${uri}')`, kind)).toEqual(missing(client));
      }
    },
  );
});
