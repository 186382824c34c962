import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// How the ES module build of core loads an adapter package; the CommonJS build uses
// package-import-cjs.ts instead (see tsdown.config.ts), so that each build loads the adapter's
// build of its own kind, and with it the same copy of core: an ES module core that loaded an
// adapter's CommonJS file would get a storage of the CommonJS core, whose errors and contexts
// are not its own.

/** Imports `packageName` as core's own folder sees it. */
export function importPackage(packageName: string): Promise<unknown> {
  return import(packageName);
}

/**
 * The ES module entry of `packageName` as installed under `folder`, as a URL for
 * {@link importResolved}, or `undefined` when it is not installed there. `require.resolve` alone
 * would give the CommonJS entry of a dual package; the `import` target is read from its
 * `exports`. Cost: a few file lookups and one package.json read.
 */
export function resolvePackageFrom(folder: string, packageName: string): string | undefined {
  const require = createRequire(join(folder, 'context-storage-resolver.js'));
  let manifest: string;
  try {
    manifest = require.resolve(`${packageName}/package.json`);
  } catch {
    try {
      return pathToFileURL(require.resolve(packageName)).href;
    } catch {
      return undefined;
    }
  }
  const { exports, main } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports?: unknown;
    main?: unknown;
  };
  const entry = importTarget(rootExport(exports)) ?? (typeof main === 'string' ? main : 'index.js');
  return pathToFileURL(join(dirname(manifest), entry)).href;
}

/** Loads what {@link resolvePackageFrom} found. */
export function importResolved(resolved: string): Promise<unknown> {
  return import(resolved);
}

/** The `"."` entry of an `exports` field (a target or conditions), if any. */
function rootExport(exports: unknown): unknown {
  if (typeof exports !== 'object' || exports === null) return exports;
  const keys = Object.keys(exports);
  return keys.some((key) => key.startsWith('.'))
    ? (exports as Record<string, unknown>)['.']
    : exports;
}

/** The path an `import` of the package resolves to, under Node's conditions for it. */
function importTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return undefined;
  for (const [condition, next] of Object.entries(target)) {
    if (condition === 'node' || condition === 'import' || condition === 'default') {
      const found = importTarget(next);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
