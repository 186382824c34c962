import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Core ships an ES module and a CommonJS build. Each must load the build of an adapter of its own
// kind: an ES module core that loaded an adapter's CommonJS file would get a storage built on the
// CommonJS copy of core, whose contexts and errors are not its own.

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** An application folder holding a dual `@context-storage/memory` in its own node_modules. */
function appWithDualAdapter(): string {
  const app = mkdtempSync(join(tmpdir(), 'cs-package-import-'));
  const pkg = join(app, 'node_modules', '@context-storage', 'memory');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@context-storage/memory',
      type: 'module',
      exports: {
        '.': { import: './index.mjs', require: './index.cjs' },
        './package.json': './package.json',
      },
    }),
  );
  const adapter = (build: string) =>
    `{ name: 'memory', packageName: '@context-storage/memory', schemes: ['memory'], create: async () => ({ build: '${build}' }) }`;
  writeFileSync(
    join(pkg, 'index.mjs'),
    `export const contextStorageAdapter = ${adapter('esm')};\n`,
  );
  writeFileSync(
    join(pkg, 'index.cjs'),
    `exports.contextStorageAdapter = ${adapter('commonjs')};\n`,
  );
  return app;
}

/** The build of the adapter that `createContextStorage` of the given core build opened. */
function openedBuild(app: string, core: 'index.mjs' | 'index.cjs'): string {
  const script = `
    const { createContextStorage } = require(${JSON.stringify(join(DIST, core))});
    createContextStorage('memory://', { resolveFrom: [process.cwd()] }).then(
      (storage) => console.log(storage.build),
      (error) => console.log('error: ' + error.message),
    );`;
  // NODE_PATH (set by pnpm's bin shims) would let require.resolve see hoisted packages.
  const { NODE_PATH: _ignored, ...env } = process.env;
  // require() of the ES module build works on Node 20.19+; it keeps both runs one script.
  const result = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

describe('createContextStorage with a dual adapter package', () => {
  it('loads the ES module build of the adapter from the ES module build of core', () => {
    expect(openedBuild(appWithDualAdapter(), 'index.mjs')).toBe('esm');
  });

  it('loads the CommonJS build of the adapter from the CommonJS build of core', () => {
    expect(openedBuild(appWithDualAdapter(), 'index.cjs')).toBe('commonjs');
  });
});
