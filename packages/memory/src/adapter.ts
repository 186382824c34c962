import {
  type ContextStorageAdapter,
  type CreateStorageOptions,
  mergeOptions,
  redactUri,
  UriQuery,
  uriScheme,
} from '@context-storage/core';
import { MemoryContextStorage } from './memory-storage.js';
import { MemoryStore, namedMemoryStore } from './memory-store.js';

/**
 * Opens a memory storage from a URI: `memory://` (a fresh private store) or `memory://name`
 * (the process-wide store called `name`, shared by every storage opened with it), with the common
 * query options `prefix`, `ttlMs`, `latest`, `latestLabels`, `latestRequests`, `latestResponses`
 * and `updateRetries`.
 *
 * @throws `InvalidUriError` for anything else (a path, a port, credentials, unknown options)
 */
export function memoryStorageFromUri(
  uri: string,
  options: CreateStorageOptions = {},
): MemoryContextStorage {
  const redacted = redactUri(uri);
  if (uriScheme(uri) !== 'memory') {
    new UriQuery(redacted, new URLSearchParams()).fail('expected a memory:// URI');
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return new UriQuery(redacted, new URLSearchParams()).fail('it cannot be parsed');
  }
  const query = new UriQuery(redacted, url.searchParams);
  if (url.username !== '' || url.password !== '' || url.port !== '') {
    query.fail('memory:// takes no credentials or port');
  }
  if (url.pathname !== '' && url.pathname !== '/') query.fail('memory:// takes no path');
  if (url.hash !== '') query.fail('memory:// takes no fragment');
  const prefix = query.string('prefix');
  const storageOptions = query.storageOptions();
  query.assertAllRead();
  return new MemoryContextStorage({
    ...mergeOptions<CreateStorageOptions>(storageOptions, options),
    store: url.hostname === '' ? new MemoryStore() : namedMemoryStore(url.hostname),
    prefix: options.prefix ?? prefix ?? '',
  });
}

/** The adapter that serves `memory://` URIs in `createContextStorage`. */
export const contextStorageAdapter: ContextStorageAdapter = {
  name: 'memory',
  packageName: '@context-storage/memory',
  schemes: ['memory'],
  create: async (uri, options) => memoryStorageFromUri(uri, options),
};
