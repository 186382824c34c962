import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ContextStorageAdapter,
  createContextStorage,
  InvalidUriError,
  registerAdapter,
  registeredSchemes,
  UnknownSchemeError,
} from '../src/index.js';

/**
 * An application folder holding a fake `@context-storage/memory` in its own node_modules, as pnpm
 * lays it out: core cannot import it by name, only resolve it from the application.
 */
function appWithMemoryPackage(indexSource: string): string {
  const app = mkdtempSync(join(tmpdir(), 'cs-registry-'));
  const pkg = join(app, 'node_modules', '@context-storage', 'memory');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@context-storage/memory',
      type: 'module',
      exports: { '.': './index.js' },
    }),
  );
  writeFileSync(join(pkg, 'index.js'), indexSource);
  return app;
}

const CORE = pathToFileURL(fileURLToPath(new URL('../dist/index.mjs', import.meta.url))).href;

/**
 * Runs `createContextStorage` in a plain node process (not through vitest's resolver), from the
 * folder `app`, and returns what it resolved or the error it raised.
 */
function createInNode(app: string, uri: string): { ok?: unknown; error?: Record<string, unknown> } {
  const script = `
    const { createContextStorage } = await import(${JSON.stringify(CORE)});
    try {
      const storage = await createContextStorage(${JSON.stringify(uri)}, { resolveFrom: [process.cwd()], prefix: 'p' });
      console.log(JSON.stringify({ ok: storage }));
    } catch (e) {
      console.log(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message, packageName: e.packageName } }));
    }`;
  // NODE_PATH (set by pnpm's bin shims) would let require.resolve see hoisted packages.
  const { NODE_PATH: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: app,
    encoding: 'utf8',
    env,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe('createContextStorage', () => {
  it('names the package to install for a known scheme whose adapter is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cs-empty-'));
    const { error } = createInNode(empty, 'memory://');
    expect(error).toMatchObject({
      name: 'UnknownSchemeError',
      code: 'UNKNOWN_SCHEME',
      packageName: '@context-storage/memory',
    });
    expect(error?.message).toMatch(/npm install @context-storage\/memory/);
    const redis = createInNode(empty, 'redis://localhost:6379');
    expect(redis.error?.message).toMatch(
      /@context-storage\/ioredis or @context-storage\/node-redis/,
    );
  });

  it('says so when an installed package exports no adapter', () => {
    const app = appWithMemoryPackage('export const nothing = 1;\n');
    expect(createInNode(app, 'memory://').error?.message).toMatch(
      /does not export a contextStorageAdapter/,
    );
  });

  it('resolves an adapter installed in the application only (pnpm strict layout)', () => {
    const app = appWithMemoryPackage(`
      export const contextStorageAdapter = {
        name: 'fake-memory',
        packageName: '@context-storage/memory',
        schemes: ['memory'],
        create: async (uri, options) => ({ fake: true, uri, prefix: options.prefix }),
      };
    `);
    expect(createInNode(app, 'memory://x').ok).toEqual({
      fake: true,
      uri: 'memory://x',
      prefix: 'p',
    });
  });

  it('picks the adapter named by ?client= among those serving a scheme', async () => {
    const make = (name: string): ContextStorageAdapter => ({
      name,
      packageName: `@context-storage/${name}`,
      schemes: ['pick+test'],
      create: async () => name as never,
    });
    registerAdapter(make('first'));
    registerAdapter(make('second'));
    expect(await createContextStorage('pick+test://h')).toBe('first');
    expect(await createContextStorage('pick+test://h?client=second')).toBe('second');
    expect(registeredSchemes().filter((entry) => entry.scheme === 'pick+test')).toHaveLength(2);
    await expect(createContextStorage('redis://h?client=nope')).rejects.toThrow(
      /client must be one of ioredis, node-redis/,
    );
  });

  it('uses a registered adapter without importing anything', async () => {
    const adapter: ContextStorageAdapter = {
      name: 'test',
      packageName: 'test-adapter',
      schemes: ['test+scheme'],
      create: async () => 'opened' as never,
    };
    registerAdapter(adapter);
    expect(await createContextStorage('TEST+scheme://anything')).toBe('opened');
  });

  it('rejects an unknown scheme and a malformed URI with typed errors', async () => {
    const unknown = await createContextStorage('mongodb://host').catch((e) => e);
    expect(unknown).toBeInstanceOf(UnknownSchemeError);
    expect(unknown.packageName).toBeUndefined();
    await expect(createContextStorage('localhost:6379')).rejects.toBeInstanceOf(InvalidUriError);
  });
});
