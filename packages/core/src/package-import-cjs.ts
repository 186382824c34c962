import { createRequire } from 'node:module';
import { join } from 'node:path';

// How the CommonJS build of core loads an adapter package, in place of package-import.ts: with
// require(), so that the adapter's CommonJS build, and with it this copy of core, is the one
// loaded, and so that no import() runs where a CommonJS host cannot serve it (Jest without
// --experimental-vm-modules).

/** Requires `packageName` as core's own folder sees it. */
export async function importPackage(packageName: string): Promise<unknown> {
  return require(packageName);
}

/** The CommonJS entry of `packageName` as installed under `folder`, or `undefined`. */
export function resolvePackageFrom(folder: string, packageName: string): string | undefined {
  try {
    return createRequire(join(folder, 'context-storage-resolver.js')).resolve(packageName);
  } catch {
    return undefined;
  }
}

/** Loads what {@link resolvePackageFrom} found. */
export async function importResolved(resolved: string): Promise<unknown> {
  return require(resolved);
}
