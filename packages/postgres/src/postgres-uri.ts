import { isAbsolute, resolve } from 'node:path';
import { type AdapterOptions, InvalidUriError, redactUri } from '@context-storage/core';
import { UriQuery, uriScheme } from '@context-storage/core/adapter';

/** The URI schemes of this package. */
export const POSTGRES_SCHEMES = ['postgres', 'postgresql', 'pglite'] as const;

/** TLS settings of a server URI, as libpq's `sslmode` and file parameters name them. */
export interface PostgresTlsSettings {
  /** `require`: encrypt (and verify the chain if a root certificate is given); `verify-ca`: check the chain; `verify-full`: chain and host name. */
  readonly mode: 'require' | 'verify-ca' | 'verify-full';
  readonly rootCertFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** Options every URI of this package may carry. */
interface CommonTarget {
  /** The URI with its password redacted. */
  readonly redactedUri: string;
  readonly schema?: string;
  /** The options every adapter reads from the query: prefix, codec, ttlMs, latest... */
  readonly options: AdapterOptions;
}

/** A PostgreSQL server reached through node-postgres. */
export interface PostgresServerTarget extends CommonTarget {
  readonly kind: 'server';
  /** A host name, an IP address or (starting with `/`) a unix socket directory. */
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly tls?: PostgresTlsSettings;
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  readonly poolSize?: number;
}

/** An embedded PGlite database: a directory, or memory. */
export interface PgliteTarget extends CommonTarget {
  readonly kind: 'pglite';
  /** Absolute path of the data directory; absent: in memory. */
  readonly dataDir?: string;
}

export type PostgresTarget = PostgresServerTarget | PgliteTarget;

/** The URI grammar of this package, for the README and error messages. */
export const POSTGRES_URI_GRAMMAR = [
  'postgres://[user[:password]@]host[:port][/database][?options]  (also postgresql://)',
  'postgres://user@%2Fvar%2Frun%2Fpostgresql/database              (unix socket directory as host)',
  'postgres:///database?host=/var/run/postgresql                    (the same, with a host parameter)',
  'pglite://./relative/dir  pglite:///absolute/dir                  (embedded, persistent)',
  'pglite://                                                         (embedded, in memory)',
  'server options: sslmode=disable|require|verify-ca|verify-full, sslrootcert, sslcert, sslkey (files),',
  '  connectTimeoutMs, commandTimeoutMs, poolSize; every URI: prefix, schema, and the common options',
  '  codec, ttlMs, latest, latestLabels, latestRequests, latestResponses, updateRetries',
].join('\n');

function decode(query: UriQuery, text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return query.fail(`the ${what} is not valid percent-encoding`);
  }
}

/**
 * Parses and validates a `postgres://`, `postgresql://` or `pglite://` URI without touching the
 * network or the disk. Every query parameter must be known.
 *
 * @throws `InvalidUriError` (password redacted)
 */
export function parsePostgresUri(uri: string): PostgresTarget {
  const scheme = uriScheme(uri);
  const redactedUri = redactUri(uri);
  const rest = uri.slice(scheme.length + 3);
  const hash = rest.indexOf('#');
  if (hash !== -1) throw new InvalidUriError(redactedUri, 'a fragment is not allowed');
  const questionMark = rest.indexOf('?');
  const head = questionMark === -1 ? rest : rest.slice(0, questionMark);
  const query = new UriQuery(
    redactedUri,
    new URLSearchParams(questionMark === -1 ? '' : rest.slice(questionMark + 1)),
  );
  if (!(POSTGRES_SCHEMES as readonly string[]).includes(scheme)) {
    query.fail('expected postgres://, postgresql:// or pglite://');
  }
  const common = () => {
    const schema = query.string('schema');
    return {
      redactedUri,
      ...(schema === undefined ? {} : { schema }),
      options: query.commonOptions(),
    };
  };
  if (scheme === 'pglite') {
    const path = decode(query, head, 'path');
    if (path.includes('@')) query.fail('pglite:// takes a directory, not credentials');
    const target: PgliteTarget = {
      kind: 'pglite',
      ...common(),
      ...(path === '' || path === 'memory'
        ? {}
        : { dataDir: isAbsolute(path) ? path : resolve(path) }),
    };
    query.assertAllRead();
    return target;
  }
  return parseServer(query, head, common);
}

function parseServer(
  query: UriQuery,
  head: string,
  common: () => CommonTarget,
): PostgresServerTarget {
  const slash = head.indexOf('/');
  const authority = slash === -1 ? head : head.slice(0, slash);
  const path = slash === -1 ? '' : head.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  let user: string | undefined;
  let password: string | undefined;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    user = decode(query, colon === -1 ? userInfo : userInfo.slice(0, colon), 'user');
    if (colon !== -1) password = decode(query, userInfo.slice(colon + 1), 'password');
  }
  let host: string | undefined;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d*))?$/.exec(hostPort);
  const plain = /^([^:]*)(?::(\d*))?$/.exec(hostPort);
  const match = bracket ?? plain;
  if (match === null) return query.fail('the host and port cannot be parsed');
  if (match[1] !== '') host = decode(query, match[1]!, 'host');
  if (match[2] !== undefined && match[2] !== '') {
    port = Number(match[2]);
    if (!Number.isSafeInteger(port) || port < 1 || port > 65535) query.fail('port must be 1-65535');
  }
  if (path.includes('/')) query.fail('the path must be a database name only');
  const database = path === '' ? undefined : decode(query, path, 'database name');
  const socket = query.string('host');
  if (socket !== undefined) {
    if (host !== undefined) query.fail('give the host once: in the authority or as ?host=');
    host = socket;
  }
  const tls = tlsSettings(query);
  const connectTimeoutMs = query.integer('connectTimeoutMs', 0);
  const commandTimeoutMs = query.integer('commandTimeoutMs', 0);
  const poolSize = query.integer('poolSize', 1);
  const target: PostgresServerTarget = {
    kind: 'server',
    ...common(),
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    ...(database === undefined ? {} : { database }),
    ...(user === undefined || user === '' ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    ...(poolSize === undefined ? {} : { poolSize }),
  };
  query.assertAllRead();
  return target;
}

function tlsSettings(query: UriQuery): PostgresTlsSettings | undefined {
  const mode = query.string('sslmode');
  const rootCertFile = query.string('sslrootcert');
  const certFile = query.string('sslcert');
  const keyFile = query.string('sslkey');
  if (mode === 'prefer' || mode === 'allow') {
    query.fail(
      `sslmode=${mode} silently falls back to an unencrypted connection; use require, verify-ca or verify-full (or disable)`,
    );
  }
  if (mode === undefined || mode === 'disable') {
    if (rootCertFile !== undefined || certFile !== undefined || keyFile !== undefined) {
      query.fail('sslrootcert, sslcert and sslkey need sslmode=require, verify-ca or verify-full');
    }
    return undefined;
  }
  if (mode !== 'require' && mode !== 'verify-ca' && mode !== 'verify-full') {
    return query.fail(`sslmode must be disable, require, verify-ca or verify-full, got "${mode}"`);
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    query.fail('sslcert and sslkey go together');
  }
  return {
    mode,
    ...(rootCertFile === undefined ? {} : { rootCertFile }),
    ...(certFile === undefined ? {} : { certFile }),
    ...(keyFile === undefined ? {} : { keyFile }),
  };
}
