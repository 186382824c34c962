import type { AdapterOptions } from '@context-storage/core';
import { UriQuery, uriScheme } from '@context-storage/core/adapter';

/** Schemes served through @keyv/redis. */
export const KEYV_SCHEMES: readonly string[] = ['keyv+redis', 'keyv+rediss'];

/** Default namespace of a storage opened from a URI. */
export const DEFAULT_NAMESPACE = 'ctx';

/** What a `keyv+redis://` URI names. */
export interface KeyvRedisTarget {
  /** The Redis URL handed to @keyv/redis (`redis://...` or `rediss://...`, credentials included). */
  redisUrl: string;
  /** Credential-free URI of the server and database, for the storage's location. */
  backend: string;
  /** The URI with its password redacted, for messages. */
  redactedUri: string;
  /** `?prefix=` (or its alias `?namespace=`); `undefined` when the URI names none. */
  prefix: string | undefined;
  /** Bound on the first connection in ms. */
  connectTimeoutMs: number;
  /** `?commandTimeoutMs=`, if given. */
  commandTimeoutMs: number | undefined;
  /** The common options of the query. */
  options: AdapterOptions;
}

/**
 * Parses `keyv+redis://[user[:password]@]host[:port][/db]` (or `keyv+rediss://` for TLS) with the
 * options `prefix` (alias `namespace`), `connectTimeoutMs` (default 10,000), `commandTimeoutMs`
 * and the common storage options. Cost: string work only.
 *
 * @throws `InvalidUriError` (password redacted)
 */
export function parseKeyvRedisUri(uri: string): KeyvRedisTarget {
  const scheme = uriScheme(uri);
  const query = UriQuery.of(uri);
  if (!KEYV_SCHEMES.includes(scheme)) query.fail(`expected ${KEYV_SCHEMES.join(':// or ')}://`);
  const queryStart = uri.indexOf('?');
  const redisUrl = uri.slice('keyv+'.length, queryStart === -1 ? undefined : queryStart);
  let parsed: URL;
  try {
    parsed = new URL(redisUrl);
  } catch {
    return query.fail('the Redis address cannot be parsed');
  }
  if (parsed.hostname === '' || parsed.hash !== '' || !/^\/?\d*$/.test(parsed.pathname)) {
    query.fail('expected keyv+redis://[user[:password]@]host[:port][/db]');
  }
  const { prefix, ...options } = query.commonOptions();
  const namespace = query.string('namespace');
  if (prefix !== undefined && namespace !== undefined && prefix !== namespace) {
    query.fail('prefix and its alias namespace name two different namespaces');
  }
  const connectTimeoutMs = query.integer('connectTimeoutMs', 1) ?? 10_000;
  const commandTimeoutMs = query.integer('commandTimeoutMs', 0);
  query.assertAllRead();
  return {
    redisUrl,
    backend: `${scheme}://${parsed.host}/${parsed.pathname.replace('/', '') || '0'}`,
    redactedUri: query.redactedUri,
    prefix: prefix ?? namespace,
    connectTimeoutMs,
    commandTimeoutMs,
    options,
  };
}
