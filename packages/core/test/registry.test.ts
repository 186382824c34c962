import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importClientLibrary, missingPackage } from '../src/adapter/index.js';
import {
  type ContextStorageAdapter,
  type CreateStorageOptions,
  createContextStorage,
  InvalidUriError,
  MissingPackageError,
  registerAdapter,
  registeredSchemes,
  UnknownSchemeError,
} from '../src/index.js';

/**
 * An application folder holding a fake `@context-storage/memory` in its own node_modules, as pnpm
 * lays it out: core cannot import it by name, only resolve it from the application.
 */
function appWithMemoryPackage(indexSource: string): string {
  return appWithAdapterPackage('memory', indexSource);
}

/** An application folder holding a fake `@context-storage/<name>` (see above). */
function appWithAdapterPackage(name: string, indexSource: string): string {
  const app = mkdtempSync(join(tmpdir(), 'cs-registry-'));
  const pkg = join(app, 'node_modules', '@context-storage', name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: `@context-storage/${name}`,
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
      console.log(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message, packageName: e.packageName, requiredBy: e.requiredBy } }));
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

  it('names the client library to install when the adapter imports it at once', () => {
    const app = appWithAdapterPackage(
      'ioredis',
      `import 'ioredis';\nexport const contextStorageAdapter = {};\n`,
    );
    const { error } = createInNode(app, 'redis://localhost:6379');
    expect(error).toMatchObject({
      name: 'MissingPackageError',
      code: 'MISSING_PACKAGE',
      packageName: 'ioredis',
      requiredBy: '@context-storage/ioredis',
    });
    expect(error?.message).toBe(
      '@context-storage/ioredis needs the package ioredis, which is not installed: run `npm install ioredis` (or pnpm add / yarn add)',
    );
  });

  it('names the client library to install when the adapter imports it on create', () => {
    const app = appWithAdapterPackage(
      'keyv',
      `export const contextStorageAdapter = {
        name: 'keyv',
        packageName: '@context-storage/keyv',
        schemes: ['keyv+redis'],
        create: async () => { await import('@keyv/redis/sub/path.js'); },
      };\n`,
    );
    expect(createInNode(app, 'keyv+redis://localhost:6379').error).toMatchObject({
      code: 'MISSING_PACKAGE',
      packageName: '@keyv/redis',
      requiredBy: '@context-storage/keyv',
    });
  });

  it('still reports a broken adapter package as such, not as a missing package', () => {
    const app = appWithMemoryPackage(`import './missing-file.js';\n`);
    const { error } = createInNode(app, 'memory://');
    expect(error).toMatchObject({ code: 'UNKNOWN_SCHEME', packageName: '@context-storage/memory' });
    expect(error?.message).toMatch(/is installed but failed to load: Cannot find module/);
  });

  it('rejects an unknown scheme and a malformed URI with typed errors', async () => {
    const unknown = await createContextStorage('mongodb://host').catch((e) => e);
    expect(unknown).toBeInstanceOf(UnknownSchemeError);
    expect(unknown.packageName).toBeUndefined();
    await expect(createContextStorage('localhost:6379')).rejects.toBeInstanceOf(InvalidUriError);
  });
});

describe('createContextStorage with adapters passed in', () => {
  const recorded: CreateStorageOptions[] = [];
  const make = (name: string): ContextStorageAdapter => ({
    name,
    packageName: `@example/${name}`,
    schemes: ['Explicit+Test'],
    create: async (_uri, options) => {
      recorded.push(options);
      return name as never;
    },
  });

  it('uses the first that serves the scheme, or the one named by ?client=', async () => {
    const adapters = [make('unrelated-first'), make('one'), make('two')];
    adapters[0] = { ...adapters[0]!, schemes: ['other'] };
    expect(await createContextStorage('explicit+test://h', { adapters, prefix: 'p' })).toBe('one');
    expect(await createContextStorage('explicit+test://h?client=two', { adapters })).toBe('two');
    expect(recorded[0], 'the adapter gets the options, not the adapters').toEqual({ prefix: 'p' });
  });

  it('does not register them: a call without them does not find the scheme', async () => {
    await createContextStorage('explicit+test://h', { adapters: [make('one')] });
    expect(registeredSchemes().some((entry) => entry.scheme === 'explicit+test')).toBe(false);
    await expect(createContextStorage('explicit+test://h')).rejects.toBeInstanceOf(
      UnknownSchemeError,
    );
  });

  it('wins over a registered adapter of the same scheme', async () => {
    registerAdapter({ ...make('registered'), schemes: ['explicit+wins'] });
    const passed = { ...make('passed'), schemes: ['explicit+wins'] };
    expect(await createContextStorage('explicit+wins://h', { adapters: [passed] })).toBe('passed');
    expect(await createContextStorage('explicit+wins://h')).toBe('registered');
  });
});

describe('missingPackage', () => {
  const notFound = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('reads the package name out of ESM and CommonJS not-found errors', () => {
    // npm's flat layout: the message also holds the adapter's own path, which is not what is missing.
    const flat = notFound(
      'ERR_MODULE_NOT_FOUND',
      "Cannot find package 'ioredis' imported from /app/node_modules/@context-storage/ioredis/dist/ioredis-client.js",
    );
    expect(missingPackage(flat)).toBe('ioredis');
    expect(
      missingPackage(
        notFound('MODULE_NOT_FOUND', "Cannot find module '@keyv/redis/x'\nRequire stack:"),
      ),
    ).toBe('@keyv/redis');
    expect(
      missingPackage(
        notFound('ERR_MODULE_NOT_FOUND', "Cannot find module 'pg/lib/x.js' imported from /a.js"),
      ),
    ).toBe('pg');
  });

  it('is undefined for a missing file, a URL and any other error', () => {
    expect(
      missingPackage(
        notFound('ERR_MODULE_NOT_FOUND', "Cannot find module '/app/dist/x.js' imported from /a.js"),
      ),
    ).toBeUndefined();
    expect(
      missingPackage(notFound('ERR_MODULE_NOT_FOUND', "Cannot find module 'file:///x.js'")),
    ).toBeUndefined();
    expect(missingPackage(new Error("Cannot find package 'ioredis'"))).toBeUndefined();
    expect(missingPackage(undefined)).toBeUndefined();
  });

  it('importClientLibrary raises MissingPackageError naming the package, with the range', async () => {
    const load = () =>
      Promise.reject(
        notFound('ERR_MODULE_NOT_FOUND', "Cannot find package 'keyv' imported from /a.js"),
      );
    const error = await importClientLibrary('keyv', '@context-storage/keyv', load, '^5').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingPackageError);
    expect(error).toMatchObject({ packageName: 'keyv', requiredBy: '@context-storage/keyv' });
    expect((error as Error).message).toMatch(/run `npm install keyv@\^5`/);
    const other = new TypeError('boom');
    await expect(importClientLibrary('keyv', 'x', () => Promise.reject(other))).rejects.toBe(other);
    expect(await importClientLibrary('keyv', 'x', async () => 'module')).toBe('module');
  });
});
