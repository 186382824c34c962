import {
  ConnectionError,
  type ContextStorageAdapter,
  type CreateStorageOptions,
  mergeOptions,
  redactUri,
  UriQuery,
  uriScheme,
} from '@context-storage/core';
import { KeyvContextStorage, type KeyvStorageOptions } from './keyv-storage.js';

/** Schemes served through @keyv/redis. */
export const KEYV_SCHEMES: readonly string[] = ['keyv+redis', 'keyv+rediss'];

/**
 * Opens a storage over @keyv/redis from `keyv+redis://[user[:password]@]host[:port][/db]` (or
 * `keyv+rediss://` for TLS), with the query options `namespace` (default `ctx`),
 * `connectTimeoutMs` (default 10,000), `callTimeoutMs` (default 5,000) and the common storage
 * options. @keyv/redis and keyv are imported only now. Fails fast: a server that cannot be
 * reached rejects within `connectTimeoutMs` with the cause.
 *
 * @throws `InvalidUriError`, `ConnectionError`, `UnknownSchemeError`-like errors when
 * @keyv/redis is not installed
 */
export async function keyvStorageFromUri(
  uri: string,
  options: CreateStorageOptions & KeyvStorageOptions = {},
): Promise<KeyvContextStorage> {
  const redacted = redactUri(uri);
  const scheme = uriScheme(uri);
  const empty = new UriQuery(redacted, new URLSearchParams());
  if (!KEYV_SCHEMES.includes(scheme)) empty.fail(`expected ${KEYV_SCHEMES.join(':// or ')}://`);
  const queryStart = uri.indexOf('?');
  const query = new UriQuery(
    redacted,
    new URLSearchParams(queryStart === -1 ? '' : uri.slice(queryStart + 1)),
  );
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
  const namespace = query.string('namespace') ?? options.prefix ?? 'ctx';
  const connectTimeoutMs = query.integer('connectTimeoutMs', 1) ?? 10_000;
  const callTimeoutMs = query.integer('callTimeoutMs', 0);
  const storageOptions = query.storageOptions();
  query.assertAllRead();

  const [{ Keyv }, { default: KeyvRedis }] = await Promise.all([
    import('keyv'),
    import('@keyv/redis'),
  ]);
  const store = new KeyvRedis(redisUrl, {
    throwOnConnectError: true,
    throwOnErrors: true,
    connectionTimeout: connectTimeoutMs,
    useUnlink: true,
  });
  const keyv = new Keyv({ store, namespace, throwOnErrors: true });
  keyv.on('error', () => {}); // failures are thrown to the caller; no unhandled 'error' event
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      keyv.get('connection-check'),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
      }),
    ]);
  } catch (cause) {
    await keyv.disconnect().catch(() => {});
    throw new ConnectionError(`cannot connect to ${redacted}: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    clearTimeout(timer);
  }
  return new KeyvContextStorage(keyv, {
    ...mergeOptions<KeyvStorageOptions>(
      storageOptions,
      callTimeoutMs === undefined ? {} : { callTimeoutMs },
      options,
    ),
    location: `${scheme}://${parsed.host}/${parsed.pathname.replace('/', '') || '0'}#${encodeURIComponent(namespace)}`,
    closeKeyv: true,
  });
}

/** The adapter that serves `keyv+redis://` URIs in `createContextStorage`. */
export const contextStorageAdapter: ContextStorageAdapter = {
  name: 'keyv',
  packageName: '@context-storage/keyv',
  schemes: KEYV_SCHEMES,
  create: (uri, options) => keyvStorageFromUri(uri, options),
};
