import { MissingPackageError } from '../errors.js';

/**
 * The package that a failed import says is missing, or `undefined` when the error is not a
 * "module not found" of a package: another failure, or a missing file inside an installed package
 * (a broken install, which installing a package would not fix). Reads Node's ESM and CommonJS
 * errors (`ERR_MODULE_NOT_FOUND`, `MODULE_NOT_FOUND`). O(length of the message); never throws.
 *
 * @example missingPackage(error) // 'ioredis' for "Cannot find package 'ioredis' imported from ..."
 */
export function missingPackage(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec(
    String((error as { message?: unknown }).message),
  )?.[1];
  if (specifier === undefined || !isBareSpecifier(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Imports an adapter's client library, turning "not installed" into a {@link MissingPackageError}
 * that names the package to install. `load` is the adapter's own `() => import('ioredis')`: a
 * literal specifier, which bundlers and type checkers follow. Costs one import, the first time.
 *
 * @param packageName - the client library, for example `ioredis`
 * @param requiredBy - the adapter package, for example `@context-storage/ioredis`
 * @param load - imports the library
 * @param range - versions to install, when the latest one would not do (`^5`)
 * @throws {@link MissingPackageError} when `packageName` (or a package it needs) is not
 * installed; any other failure of `load` as it is
 */
export async function importClientLibrary<M>(
  packageName: string,
  requiredBy: string,
  load: () => Promise<M>,
  range?: string,
): Promise<M> {
  try {
    return await load();
  } catch (error) {
    const missing = missingPackage(error);
    if (missing === undefined) throw error;
    throw new MissingPackageError(missing, missing === packageName ? requiredBy : packageName, {
      cause: error,
      ...(missing === packageName && range !== undefined ? { range } : {}),
    });
  }
}

function isBareSpecifier(specifier: string): boolean {
  return !(
    specifier.startsWith('.') ||
    specifier.startsWith('/') ||
    /^[A-Za-z]:[\\/]/.test(specifier) ||
    /^[a-z][a-z0-9+.-]*:/i.test(specifier)
  );
}
