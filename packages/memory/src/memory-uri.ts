import { type AdapterOptions, InvalidUriError, redactUri } from '@context-storage/core';
import { UriQuery, uriScheme } from '@context-storage/core/adapter';

/** What a `memory://` URI names: a store (by name, or a fresh one) and the common options. */
export interface MemoryTarget {
  /** The process-wide store's name; `undefined`: a fresh private store. */
  storeName: string | undefined;
  /** The common options of the query (`prefix`, `ttlMs`, `latest`...). */
  options: AdapterOptions;
}

/**
 * Parses `memory://` (a fresh private store) or `memory://name` (the process-wide store called
 * `name`), with the query options every adapter accepts. Cost: string work only.
 *
 * @throws `InvalidUriError` for anything else (a path, a port, credentials, unknown options)
 */
export function parseMemoryUri(uri: string): MemoryTarget {
  if (uriScheme(uri) !== 'memory') throw invalid(uri, 'expected a memory:// URI');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid(uri, 'it cannot be parsed');
  }
  const query = UriQuery.of(uri);
  if (url.username !== '' || url.password !== '' || url.port !== '') {
    query.fail('memory:// takes no credentials or port');
  }
  if (url.pathname !== '' && url.pathname !== '/') query.fail('memory:// takes no path');
  if (url.hash !== '') query.fail('memory:// takes no fragment');
  const options = query.commonOptions();
  query.assertAllRead();
  return { storeName: url.hostname === '' ? undefined : url.hostname, options };
}

function invalid(uri: string, reason: string): InvalidUriError {
  return new InvalidUriError(redactUri(uri), reason);
}
