import { type AdapterOptions, InvalidUriError, redactUri } from '@context-storage/core';
import { UriQuery, uriScheme } from '@context-storage/core/adapter';

/** A Redis server, cluster seed or sentinel: an IPv6 host comes without its brackets. */
export interface RedisNode {
  host: string;
  port: number;
}

/** The Redis client library an adapter is built on. */
export type RedisClientName = 'ioredis' | 'node-redis';

/** TLS settings of a `rediss` URI: paths of PEM files and checks of the server certificate. */
export interface RedisTlsOptions {
  /** CA certificate(s) to trust instead of the system's. */
  caFile?: string;
  /** Client certificate, always given with {@link RedisTlsOptions.keyFile}. */
  certFile?: string;
  /** Private key of {@link RedisTlsOptions.certFile}. */
  keyFile?: string;
  /** Name to send in SNI and to check the certificate against, if not the host. */
  serverName?: string;
  /** `false` accepts any certificate (tests only). Default: the client's (true). */
  rejectUnauthorized?: boolean;
}

/** What every Redis target carries, whatever its topology. */
export interface RedisTargetCommon {
  /** Present exactly when the scheme is a TLS one (`rediss...`). */
  tls?: RedisTlsOptions;
  /** User of the servers (for a sentinel target: of the master and replicas). */
  username?: string;
  /** Password of the servers (for a sentinel target: of the master and replicas). */
  password?: string;
  /** Logical database, 0 unless the URI names another. */
  db: number;
  /** Bound on the first connection, in ms. */
  connectTimeoutMs: number;
  /** Bound on each command, in ms; 0: none. */
  commandTimeoutMs: number;
  /** The adapter the URI asks for, when both are installed. */
  client?: RedisClientName;
  /** Connection name, sent with CLIENT SETNAME. */
  clientName?: string;
  /** The options every adapter reads from the query: prefix, codec, ttlMs, latest... */
  options: AdapterOptions;
  /** The URI with every password replaced by `***`, for logs and errors. */
  redactedUri: string;
}

/** One server, over TCP (one node) or over a unix socket (no node, a socket path). */
export interface RedisStandaloneTarget extends RedisTargetCommon {
  topology: 'standalone';
  /** The server; empty for a unix socket. */
  nodes: RedisNode[];
  /** Path of the unix socket, for `redis+unix://`. */
  socketPath?: string;
}

/** A Redis Cluster, reached through its seed nodes. */
export interface RedisClusterTarget extends RedisTargetCommon {
  topology: 'cluster';
  /** Seed nodes; the client discovers the others. */
  nodes: RedisNode[];
  /** A cluster has only db 0. */
  db: 0;
}

/** How to find and authenticate a master (or replica) through Redis Sentinel. */
export interface RedisSentinelSettings {
  /** Name of the monitored master. */
  masterName: string;
  /** User of the sentinels themselves. */
  username?: string;
  /** Password of the sentinels themselves. */
  password?: string;
  /** Connect to the master or to a replica. */
  role: 'master' | 'replica';
}

/** A master (or replica) found through Redis Sentinel. */
export interface RedisSentinelTarget extends RedisTargetCommon {
  topology: 'sentinel';
  /** The sentinels. */
  nodes: RedisNode[];
  sentinel: RedisSentinelSettings;
}

/** Where and how to connect, as read from a Redis URI: plain data, no client library types. */
export type RedisTarget = RedisStandaloneTarget | RedisClusterTarget | RedisSentinelTarget;

interface SchemeForm {
  form: 'standalone' | 'unix' | 'cluster' | 'sentinel';
  tls: boolean;
  /** For error messages. */
  example: string;
}

// A Map, not an object: a scheme such as `constructor://` must not find Object.prototype.
const FORMS = new Map<string, SchemeForm>([
  ['redis', { form: 'standalone', tls: false, example: 'redis://localhost:6379' }],
  ['rediss', { form: 'standalone', tls: true, example: 'rediss://localhost:6379' }],
  ['redis+unix', { form: 'unix', tls: false, example: 'redis+unix:///run/redis/redis.sock' }],
  ['redis+cluster', { form: 'cluster', tls: false, example: 'redis+cluster://h1:7000,h2:7001' }],
  ['rediss+cluster', { form: 'cluster', tls: true, example: 'rediss+cluster://h1:7000,h2:7001' }],
  ['redis+sentinel', { form: 'sentinel', tls: false, example: 'redis+sentinel://s1,s2/mymaster' }],
  ['rediss+sentinel', { form: 'sentinel', tls: true, example: 'rediss+sentinel://s1,s2/mymaster' }],
]);

/** Every scheme {@link parseRedisUri} accepts, without `://`. */
export const REDIS_SCHEMES: readonly string[] = [...FORMS.keys()];

/**
 * Reads a Redis URI into a {@link RedisTarget}: the one parser behind the ioredis and node-redis
 * adapters, so that both accept exactly the same URIs. Pure and synchronous; no connection. The
 * grammar is {@link REDIS_URI_GRAMMAR}, the one table the READMEs quote.
 *
 * @param uri - the URI
 * @returns the target, with its password in clear and {@link RedisTargetCommon.redactedUri} for logs
 * @throws `InvalidUriError` for anything else; its message never holds a password
 */
export function parseRedisUri(uri: string): RedisTarget {
  const scheme = uriScheme(uri);
  const redactedUri = redactUri(uri);
  const fail: Fail = (reason) => {
    throw new InvalidUriError(redactedUri, reason);
  };
  const known = FORMS.get(scheme);
  if (known === undefined) {
    return fail(
      scheme === 'rediss+unix'
        ? 'TLS over a unix socket is not supported: use redis+unix://'
        : `expected one of ${REDIS_SCHEMES.map((name) => `${name}://`).join(', ')}`,
    );
  }
  const { form, tls, example } = known;
  if (/[\s\p{Cc}]/u.test(uri)) fail('it holds a space or a control character: percent-encode it');

  // scheme://authority[/path][?query]: the authority ends at the first '/', '?' or '#', like
  // RFC 3986; its last '@' ends the credentials (a raw '@' in a password is tolerated).
  const rest = uri.slice(scheme.length + 3);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  if (tail.includes('@')) {
    // Most often a password holding a raw '/', '?' or '#' that cut the authority short.
    fail(
      "a raw '@' after the host: percent-encode '/', '?', '#' in a password (%2F, %3F, %23) and '@' elsewhere (%40)",
    );
  }
  if (tail.includes('#')) fail("a fragment (#...) is not allowed; write '#' as %23");
  const questionMark = tail.indexOf('?');
  const path = questionMark === -1 ? tail : tail.slice(0, questionMark);
  const query = new UriQuery(
    redactedUri,
    new URLSearchParams(questionMark === -1 ? '' : tail.slice(questionMark + 1)),
  );
  const at = authority.lastIndexOf('@');
  const credentials = at === -1 ? {} : parseCredentials(authority.slice(0, at), fail);
  const hostList = authority.slice(at + 1);
  const segments = path === '' ? [] : path.slice(1).split('/');

  let nodes: RedisNode[] = [];
  if (form === 'unix') {
    if (hostList !== '') fail(`redis+unix:// takes no host: write ${example} (three slashes)`);
  } else if (hostList === '') {
    fail(`expected a host, for example ${example}`);
  } else {
    nodes = parseNodes(hostList, form === 'sentinel' ? 26379 : 6379, fail);
    if (form === 'standalone' && nodes.length > 1) {
      fail(`${scheme}:// takes one host: use ${tls ? 'rediss' : 'redis'}+cluster:// for a cluster`);
    }
  }

  let db = 0;
  let masterName = '';
  let socketPath = '';
  if (form === 'unix') {
    if (path === '' || path === '/') fail(`expected the socket path, for example ${example}`);
    socketPath = decode(path, 'the socket path', fail);
    const dbParam = query.string('db');
    if (dbParam !== undefined) db = parseDb(dbParam, fail);
  } else {
    if (query.string('db') !== undefined) fail(`the db goes in the path, as in ${example}/2`);
    const [first, second, ...extra] = segments;
    if (form === 'sentinel') {
      if (first === undefined || first === '') {
        fail(`expected the master name after the sentinels, as in ${example}`);
      }
      masterName = decode(first, 'the master name', fail);
      if (second !== undefined) db = parseDb(second, fail);
      if (extra.length > 0) fail(`extra path segments: expected /masterName[/db], got "${path}"`);
    } else {
      if (second !== undefined) fail(`extra path segments: expected at most /db, got "${path}"`);
      if (first !== undefined && first !== '') db = parseDb(first, fail);
      if (form === 'cluster' && db !== 0) fail(`a cluster has only db 0, got db ${db}`);
    }
  }
  for (const name of ['username', 'password']) {
    if (query.string(name) !== undefined) {
      fail(
        `credentials go before the host, as in ${form === 'unix' ? 'redis+unix://user:password@/path/to/redis.sock' : `${scheme}://user:password@host`}`,
      );
    }
  }

  const common: RedisTargetCommon = {
    ...credentials,
    db,
    connectTimeoutMs: query.integer('connectTimeoutMs', 1) ?? 10_000,
    commandTimeoutMs: query.integer('commandTimeoutMs', 0) ?? 5_000,
    options: {},
    redactedUri,
  };
  const tlsOptions = readTls(query, tls);
  if (tlsOptions !== undefined) common.tls = tlsOptions;
  const client = query.choice<RedisClientName>('client', ['ioredis', 'node-redis']);
  if (client !== undefined) common.client = client;
  const clientName = query.string('name');
  if (clientName !== undefined) {
    // CLIENT SETNAME refuses spaces and special characters.
    if (!/^[!-~]+$/.test(clientName)) fail('name must be printable ASCII without spaces');
    common.clientName = clientName;
  }
  const sentinel = readSentinelSettings(query, form === 'sentinel');
  common.options = query.commonOptions();
  query.assertAllRead();

  switch (form) {
    case 'standalone':
      return { topology: 'standalone', nodes, ...common };
    case 'unix':
      return { topology: 'standalone', nodes, socketPath, ...common };
    case 'cluster':
      return { topology: 'cluster', nodes, ...common, db: 0 };
    case 'sentinel':
      return { topology: 'sentinel', nodes, sentinel: { masterName, ...sentinel }, ...common };
  }
}

/** The user and password of a target (or of its sentinels), without the absent ones. */
export function credentials(source: {
  username?: string | undefined;
  password?: string | undefined;
}): { username?: string; password?: string } {
  const { username, password } = source;
  return {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

type Fail = (reason: string) => never;

/** Percent-decodes a part of the URI; never quotes it, since it may be a password. */
function decode(text: string, what: string, fail: Fail): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return fail(`${what} is not valid percent-encoding (write '%' as %25)`);
  }
  if (decoded.includes('\0')) fail(`${what} holds a NUL character`);
  return decoded;
}

function parseCredentials(
  userinfo: string,
  fail: Fail,
): Pick<RedisTargetCommon, 'username' | 'password'> {
  const colon = userinfo.indexOf(':');
  const username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon), 'the user', fail);
  const password = colon === -1 ? '' : decode(userinfo.slice(colon + 1), 'the password', fail);
  return {
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
  };
}

/** Host names and IPv4 addresses; anything exotic (IDN, percent-encoding) is refused. */
const HOST_NAME = /^[a-z0-9._-]+$/i;

function parseNodes(hostList: string, defaultPort: number, fail: Fail): RedisNode[] {
  const nodes: RedisNode[] = [];
  const seen = new Set<string>();
  for (const text of hostList.split(',')) {
    if (text === '') fail('empty host in the node list (two commas, or a comma at an end)');
    const node = parseNode(text, defaultPort, fail);
    const written = node.host.includes(':')
      ? `[${node.host}]:${node.port}`
      : `${node.host}:${node.port}`;
    if (seen.has(written.toLowerCase())) fail(`the node ${written} is listed twice`);
    seen.add(written.toLowerCase());
    nodes.push(node);
  }
  return nodes;
}

/** `host[:port]` or `[ipv6][:port]`; does not quote the text (it might be a mistyped password). */
function parseNode(text: string, defaultPort: number, fail: Fail): RedisNode {
  let host: string;
  let port: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) fail("an IPv6 address lacks its closing ']'");
    host = parseIpv6(text.slice(1, close), fail);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail("expected ':port' after ']'");
    port = after === '' ? undefined : after.slice(1);
  } else {
    const colon = text.indexOf(':');
    if (colon !== text.lastIndexOf(':')) fail('an IPv6 address goes in brackets, as in [::1]:6379');
    host = colon === -1 ? text : text.slice(0, colon);
    port = colon === -1 ? undefined : text.slice(colon + 1);
    if (host === '') fail('a node has no host before its port');
    if (!HOST_NAME.test(host)) {
      fail("a host must be a name or an IP address (letters, digits, '.', '-', '_')");
    }
  }
  if (port === undefined) return { host, port: defaultPort };
  const number = Number(port);
  if (!/^\d{1,5}$/.test(port) || number < 1 || number > 65_535) {
    fail('a port must be a number from 1 to 65535');
  }
  return { host, port: number };
}

/** Validates an IPv6 literal with WHATWG URL (exact for this) and returns its canonical form. */
function parseIpv6(text: string, fail: Fail): string {
  if (text.includes(':')) {
    try {
      return new URL(`http://[${text}]/`).hostname.slice(1, -1);
    } catch {
      // Falls through to the error.
    }
  }
  return fail('invalid IPv6 address in brackets');
}

function parseDb(text: string, fail: Fail): number {
  const db = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(db)) {
    fail(`db must be a non-negative integer, got "${text}"`);
  }
  return db;
}

const TLS_TEXT_PARAMS = [
  ['tlsCaFile', 'caFile'],
  ['tlsCertFile', 'certFile'],
  ['tlsKeyFile', 'keyFile'],
  ['tlsServerName', 'serverName'],
] as const;

/** The TLS parameters: `{}` at least for a TLS scheme, refused on any other. */
function readTls(query: UriQuery, tls: boolean): RedisTlsOptions | undefined {
  const options: RedisTlsOptions = {};
  const given: string[] = [];
  for (const [param, field] of TLS_TEXT_PARAMS) {
    const value = query.string(param);
    if (value === undefined) continue;
    if (value === '') query.fail(`${param} must not be empty`);
    options[field] = value;
    given.push(param);
  }
  const rejectUnauthorized = query.boolean('tlsRejectUnauthorized');
  if (rejectUnauthorized !== undefined) {
    options.rejectUnauthorized = rejectUnauthorized;
    given.push('tlsRejectUnauthorized');
  }
  if (!tls) {
    if (given.length > 0) {
      query.fail(`${given.join(', ')}: TLS parameters need a TLS scheme (rediss...://)`);
    }
    return undefined;
  }
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    query.fail('tlsCertFile and tlsKeyFile go together (a client certificate and its key)');
  }
  return options;
}

/** The sentinel parameters, refused on any other topology. */
function readSentinelSettings(
  query: UriQuery,
  sentinel: boolean,
): Omit<RedisSentinelSettings, 'masterName'> {
  const role = query.choice('role', ['master', 'replica'] as const);
  const settings: Omit<RedisSentinelSettings, 'masterName'> = { role: role ?? 'master' };
  const username = query.string('sentinelUsername');
  if (username !== undefined && username !== '') settings.username = username;
  const password = query.string('sentinelPassword');
  if (password !== undefined && password !== '') settings.password = password;
  if (!sentinel && (username !== undefined || password !== undefined || role !== undefined)) {
    query.fail('sentinelUsername, sentinelPassword and role apply to redis+sentinel:// only');
  }
  return settings;
}
