import { InvalidArgumentError } from '../errors.js';

/**
 * The location of a storage's data (see `ContextStorageDriver.location`) in the one format every
 * adapter uses: `<backend>#<prefix>`, where `backend` is a URI without credentials or fragment
 * that names the server (or in-process store) and the database, and `prefix` is percent-encoded:
 * `redis://127.0.0.1:6379/0#ctx`, `redis+cluster://10.0.0.1:7000,10.0.0.2:7000#ctx`,
 * `postgresql://db.internal:5432/app/context_storage#bot`, `memory://store-1#`.
 *
 * Two storages have equal locations exactly when they read and write the same contexts, and core
 * trusts that: a context loaded from one location is saved to an equal one with its version
 * check, to any other as a whole copy. So an adapter derives it once, from the parsed target (or
 * from what a client passed in exposes), never from the storage object. Cost: string work only.
 *
 * @param backend - credential-free URI of the server or store and database
 * @param prefix - the storage's prefix or namespace (may be empty)
 * @throws `InvalidArgumentError` when `backend` holds credentials or a fragment
 */
export function storageLocation(backend: string, prefix: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^#]*$/i.test(backend)) {
    throw new InvalidArgumentError(
      `a storage location must start with a scheme:// URI without fragment, got ${JSON.stringify(backend)}`,
    );
  }
  const authority = backend.slice(backend.indexOf('://') + 3).split(/[/?]/)[0] ?? '';
  if (authority.includes('@')) {
    throw new InvalidArgumentError('a storage location must not hold credentials');
  }
  return `${backend}#${encodeURIComponent(prefix)}`;
}
