import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('createContextStorage', () => {
  it('names the package to install for a known scheme whose adapter is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cs-empty-'));
    const error = await createContextStorage('memory://', { resolveFrom: [empty] }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownSchemeError);
    expect(error.packageName).toBe('@context-storage/memory');
    expect(error.message).toMatch(/npm install @context-storage\/memory/);
  });

  it('says so when an installed package exports no adapter', async () => {
    const app = appWithMemoryPackage('export const nothing = 1;\n');
    await expect(createContextStorage('memory://', { resolveFrom: [app] })).rejects.toThrow(
      /does not export a contextStorageAdapter/,
    );
  });

  it('resolves an adapter installed in the application only (pnpm strict layout)', async () => {
    const app = appWithMemoryPackage(`
      export const contextStorageAdapter = {
        name: 'fake-memory',
        packageName: '@context-storage/memory',
        schemes: ['memory'],
        create: async (uri, options) => ({ fake: true, uri, prefix: options.prefix }),
      };
    `);
    const storage = await createContextStorage('memory://x', { resolveFrom: [app], prefix: 'p' });
    expect(storage).toEqual({ fake: true, uri: 'memory://x', prefix: 'p' });
    expect(registeredSchemes()).toContainEqual({
      scheme: 'memory',
      adapter: 'fake-memory',
      packageName: '@context-storage/memory',
    });
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
