import { dirname } from 'node:path';
import { missingPackage } from './adapter/client-library.js';
import { UriQuery } from './adapter/uri-query.js';
import type { ContextTypes } from './context-types.js';
import { InvalidUriError, MissingPackageError, UnknownSchemeError } from './errors.js';
import { importPackage, importResolved, resolvePackageFrom } from './package-import.js';
import type { DBContextStorage } from './storage.js';
import type { AdapterOptions } from './storage-options.js';
import { redactUri, uriScheme } from './uri.js';

/**
 * Options of {@link createContextStorage}: the options every adapter takes (they override the
 * URI's), plus how to find the adapter.
 */
export interface CreateStorageOptions extends AdapterOptions {
  /**
   * Upper bound of every call to the backend in ms (0: none), for adapters with a client
   * library; an in-process store never waits, so the memory adapter has no use for it.
   */
  commandTimeoutMs?: number;
  /**
   * Folders from which to resolve an adapter package that is not registered yet. Default: the
   * current working directory and the folder of the main script, which is where an application
   * installed its adapter (core itself does not depend on any adapter).
   */
  resolveFrom?: readonly string[];
  /**
   * Adapters to serve the URI, each an adapter package's `contextStorageAdapter`: the first that
   * serves the scheme (and, with `?client=`, has that name) wins over registered ones, and no
   * package is looked up. This is the form that survives bundling (esbuild, webpack, Rollup...),
   * where adapters cannot be found by package name at run time:
   *
   * ```ts
   * import { contextStorageAdapter as memory } from '@context-storage/memory';
   * const storage = await createContextStorage('memory://', { adapters: [memory] });
   * ```
   *
   * They are not registered: other calls do not see them. Not passed on to the adapter.
   */
  adapters?: readonly ContextStorageAdapter[];
}

/**
 * What an adapter package exports as `contextStorageAdapter`, so that `createContextStorage` can
 * open storages from URIs of its schemes.
 */
export interface ContextStorageAdapter {
  /** Adapter name, for example `memory`. */
  readonly name: string;
  /** npm package that provides it. */
  readonly packageName: string;
  /** URI schemes it serves, lower-case, without `://`. */
  readonly schemes: readonly string[];
  /**
   * Opens a storage for `uri`. Must validate the whole URI (raising `InvalidUriError`, with the
   * password redacted) and load its client library only now.
   */
  create(uri: string, options: CreateStorageOptions): Promise<DBContextStorage>;
}

/**
 * Schemes whose adapter package is known: `createContextStorage` imports the first installed
 * package of the list when no adapter for the scheme is registered yet.
 */
export const KNOWN_SCHEMES: Readonly<Record<string, readonly string[]>> = {
  memory: ['@context-storage/memory'],
  postgres: ['@context-storage/postgres'],
  postgresql: ['@context-storage/postgres'],
  pglite: ['@context-storage/postgres'],
  'keyv+redis': ['@context-storage/keyv'],
  'keyv+rediss': ['@context-storage/keyv'],
  ...Object.fromEntries(
    [
      'redis',
      'rediss',
      'redis+unix',
      'redis+cluster',
      'rediss+cluster',
      'redis+sentinel',
      'rediss+sentinel',
    ].map((scheme) => [scheme, ['@context-storage/ioredis', '@context-storage/node-redis']]),
  ),
};

/** Adapters by scheme, in registration order. */
const registry = new Map<string, ContextStorageAdapter[]>();

/**
 * Makes an adapter's schemes available to {@link createContextStorage}. Several adapters may
 * serve one scheme (ioredis and node-redis both serve `redis://`): the first registered is the
 * default, and a URI picks another with `?client=<adapter name>`. Registering an adapter again
 * under the same name replaces it.
 */
export function registerAdapter(adapter: ContextStorageAdapter): void {
  for (const scheme of adapter.schemes.map((s) => s.toLowerCase())) {
    const adapters = registry.get(scheme) ?? [];
    const index = adapters.findIndex((known) => known.name === adapter.name);
    if (index === -1) adapters.push(adapter);
    else adapters[index] = adapter;
    registry.set(scheme, adapters);
  }
}

/** The schemes served by registered adapters, with their adapter names. */
export function registeredSchemes(): { scheme: string; adapter: string; packageName: string }[] {
  return [...registry].flatMap(([scheme, adapters]) =>
    adapters.map((adapter) => ({
      scheme,
      adapter: adapter.name,
      packageName: adapter.packageName,
    })),
  );
}

/**
 * Opens a context storage from a URI (`memory://`, `redis://host:6379/0?prefix=bot`...), picking
 * the adapter by scheme: first among `options.adapters`, then among registered adapters, and
 * only then by importing the known package of the scheme, on first use, so only the backend
 * actually used is loaded. A bundled application passes its adapters (see
 * {@link CreateStorageOptions.adapters}): a bundle has no packages to import by name.
 *
 * `T` types the contexts of the storage (see {@link ContextTypes}):
 * `createContextStorage<Bot>('memory://')` resolves a `DBContextStorage<Bot>`.
 *
 * @throws `InvalidUriError` for a malformed URI, `UnknownSchemeError` for a scheme no installed
 * adapter serves (naming the package to install), `MissingPackageError` when the adapter is
 * installed but a package it needs (its client library) is not, `ConnectionError` when the
 * backend is down
 */
export async function createContextStorage<T extends ContextTypes = ContextTypes>(
  uri: string,
  options: CreateStorageOptions = {},
): Promise<DBContextStorage<T>> {
  const { adapters: explicit = [], ...adapterOptions } = options;
  const scheme = uriScheme(uri);
  // The same query parser every adapter uses, so `client` reads alike here and there.
  const client = UriQuery.of(uri).string('client');
  const candidates = [
    ...explicit.filter((adapter) => adapter.schemes.some((s) => s.toLowerCase() === scheme)),
    ...(registry.get(scheme) ?? []),
  ];
  const adapter =
    client === undefined
      ? (candidates[0] ??
        (await loadKnownAdapter(scheme, KNOWN_SCHEMES[scheme], options.resolveFrom)))
      : (candidates.find((known) => known.name === client) ??
        (await loadKnownAdapter(scheme, clientPackages(uri, scheme, client), options.resolveFrom)));
  let storage: DBContextStorage;
  try {
    storage = await adapter.create(uri, adapterOptions);
  } catch (error) {
    // An adapter imports its client library when it opens a storage; one that is not installed
    // fails there with Node's raw "Cannot find package".
    const missing = missingPackage(error);
    if (missing === undefined) throw error;
    throw new MissingPackageError(missing, adapter.packageName, { cause: error });
  }
  // Every storage holds contexts of one class; T is what the application declares they hold.
  return storage as DBContextStorage<T>;
}

/** The known package of adapter `client` for `scheme` (`?client=node-redis`). */
function clientPackages(uri: string, scheme: string, client: string): readonly string[] {
  const packages = KNOWN_SCHEMES[scheme] ?? [];
  const match = packages.filter((packageName) => packageName.endsWith(`/${client}`));
  if (match.length === 0) {
    const names = packages.map((packageName) => packageName.replace(/^.*\//, ''));
    throw new InvalidUriError(
      redactUri(uri),
      names.length === 0
        ? `no adapter named "${client}" serves ${scheme}://`
        : `client must be one of ${names.join(', ')}, got "${client}"`,
    );
  }
  return match;
}

async function loadKnownAdapter(
  scheme: string,
  packages: readonly string[] | undefined,
  resolveFrom: readonly string[] | undefined,
): Promise<ContextStorageAdapter> {
  if (packages === undefined) throw new UnknownSchemeError(scheme);
  for (const packageName of packages) {
    const module = await importInstalled(scheme, packageName, resolveFrom ?? defaultResolveFrom());
    if (module === undefined) continue;
    const adapter = (module as { contextStorageAdapter?: ContextStorageAdapter })
      .contextStorageAdapter;
    if (adapter === undefined || !adapter.schemes.includes(scheme)) {
      throw new UnknownSchemeError(scheme, packageName, {
        problem: 'is installed but does not export a contextStorageAdapter serving it',
      });
    }
    registerAdapter(adapter);
    return adapter;
  }
  throw new UnknownSchemeError(scheme, packages.join(' or '));
}

function defaultResolveFrom(): string[] {
  const main = process.argv[1];
  return main === undefined ? [process.cwd()] : [process.cwd(), dirname(main)];
}

/**
 * Imports a package if it is installed where the application can see it. Under pnpm's strict
 * node_modules core cannot import an adapter by name (it does not depend on it), so the package
 * is resolved from the application's folders instead.
 */
async function importInstalled(
  scheme: string,
  packageName: string,
  resolveFrom: readonly string[],
): Promise<unknown | undefined> {
  try {
    return await importPackage(packageName);
  } catch (error) {
    if (missingPackage(error) !== packageName) throw loadFailure(scheme, packageName, error);
  }
  for (const folder of resolveFrom) {
    const resolved = resolvePackageFrom(folder, packageName);
    if (resolved === undefined) continue;
    try {
      return await importResolved(resolved);
    } catch (error) {
      throw loadFailure(scheme, packageName, error);
    }
  }
  return undefined;
}

/**
 * What to raise when an installed adapter package fails to load: a package it imports is missing
 * (its client library, when the adapter imports it at once), or something else broke.
 */
function loadFailure(
  scheme: string,
  packageName: string,
  cause: unknown,
): MissingPackageError | UnknownSchemeError {
  const missing = missingPackage(cause);
  if (missing !== undefined && missing !== packageName) {
    return new MissingPackageError(missing, packageName, { cause });
  }
  return new UnknownSchemeError(scheme, packageName, {
    cause,
    problem: `is installed but failed to load: ${(cause as Error)?.message ?? String(cause)}`,
  });
}
