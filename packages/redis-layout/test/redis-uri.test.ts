import { readdirSync, readFileSync } from 'node:fs';
import { InvalidUriError, jsonCodec } from '@context-storage/core';
import { describe, expect, it } from 'vitest';
import { parseRedisUri, REDIS_SCHEMES, type RedisTarget } from '../src/redis-uri.js';
import { REDIS_URI_GRAMMAR } from '../src/redis-uri-grammar.js';

const DEFAULTS = { db: 0, connectTimeoutMs: 10_000, commandTimeoutMs: 5_000, options: {} };

describe('parseRedisUri: every form', () => {
  it.each<[string, RedisTarget]>([
    [
      'redis://localhost',
      {
        topology: 'standalone',
        nodes: [{ host: 'localhost', port: 6379 }],
        ...DEFAULTS,
        redactedUri: 'redis://localhost',
      },
    ],
    [
      'redis://:s3cret@localhost:6380/2',
      {
        topology: 'standalone',
        nodes: [{ host: 'localhost', port: 6380 }],
        password: 's3cret',
        ...DEFAULTS,
        db: 2,
        redactedUri: 'redis://:***@localhost:6380/2',
      },
    ],
    [
      'rediss://h',
      {
        topology: 'standalone',
        nodes: [{ host: 'h', port: 6379 }],
        tls: {},
        ...DEFAULTS,
        redactedUri: 'rediss://h',
      },
    ],
    [
      'redis+unix:///run/redis/redis.sock',
      {
        topology: 'standalone',
        nodes: [],
        socketPath: '/run/redis/redis.sock',
        ...DEFAULTS,
        redactedUri: 'redis+unix:///run/redis/redis.sock',
      },
    ],
    [
      'redis+cluster://a:7000,b:7001',
      {
        topology: 'cluster',
        nodes: [
          { host: 'a', port: 7000 },
          { host: 'b', port: 7001 },
        ],
        ...DEFAULTS,
        db: 0,
        redactedUri: 'redis+cluster://a:7000,b:7001',
      },
    ],
    [
      'redis+sentinel://s1,s2:26380/mymaster',
      {
        topology: 'sentinel',
        nodes: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26380 },
        ],
        sentinel: { masterName: 'mymaster', role: 'master' },
        ...DEFAULTS,
        redactedUri: 'redis+sentinel://s1,s2:26380/mymaster',
      },
    ],
  ])('%s, with its defaults', (uri, expected) => {
    expect(parseRedisUri(uri)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>]>([
    // credentials and percent-encoding
    ['redis://app:p%40ss%3Aw%2Fd%23@h/', { username: 'app', password: 'p@ss:w/d#', db: 0 }],
    ['redis://us%C3%A9r@h', { username: 'usér' }],
    [
      'redis://u:raw@at@h',
      { username: 'u', password: 'raw@at', nodes: [{ host: 'h', port: 6379 }] },
    ],
    ['redis://u:a:b@h', { password: 'a:b' }],
    ['redis://:@h', { nodes: [{ host: 'h', port: 6379 }] }],
    // hosts, ports, db
    ['REDIS://Cache.Example:1/15', { nodes: [{ host: 'Cache.Example', port: 1 }], db: 15 }],
    ['redis://10.0.0.1:65535/0', { nodes: [{ host: '10.0.0.1', port: 65_535 }], db: 0 }],
    ['redis://[::1]:6380', { nodes: [{ host: '::1', port: 6380 }] }],
    ['redis://u:p@[2001:DB8:0:0::1]/3', { nodes: [{ host: '2001:db8::1', port: 6379 }], db: 3 }],
    ['redis://[::ffff:10.0.0.1]', { nodes: [{ host: '::ffff:a00:1', port: 6379 }] }],
    // unix sockets
    [
      'redis+unix://:pw@/tmp/my%20redis.sock?db=3',
      { nodes: [], socketPath: '/tmp/my redis.sock', password: 'pw', db: 3 },
    ],
    ['redis+unix://user:pw@/tmp/r.sock', { username: 'user', password: 'pw', db: 0 }],
    // cluster
    [
      'redis+cluster://a,[::1]:7002,b/0',
      {
        topology: 'cluster',
        nodes: [
          { host: 'a', port: 6379 },
          { host: '::1', port: 7002 },
          { host: 'b', port: 6379 },
        ],
        db: 0,
      },
    ],
    [
      'rediss+cluster://u:p@a:1,b:2',
      { topology: 'cluster', tls: {}, username: 'u', password: 'p' },
    ],
    // sentinel
    [
      'redis+sentinel://u:p@s1/my%2Fmaster/4?sentinelUsername=su&sentinelPassword=s%2Bp&role=replica',
      {
        topology: 'sentinel',
        username: 'u',
        password: 'p',
        db: 4,
        sentinel: { masterName: 'my/master', username: 'su', password: 's+p', role: 'replica' },
      },
    ],
    [
      'rediss+sentinel://s1/m?role=master',
      { tls: {}, sentinel: { masterName: 'm', role: 'master' } },
    ],
    // query options
    [
      'redis://h?prefix=bot&connectTimeoutMs=2000&commandTimeoutMs=0&client=node-redis&name=bot-1',
      {
        options: { prefix: 'bot' },
        connectTimeoutMs: 2000,
        commandTimeoutMs: 0,
        client: 'node-redis',
        clientName: 'bot-1',
      },
    ],
    ['redis://h?client=ioredis', { client: 'ioredis' }],
    ['redis://h?prefix=a%40b%3Ac', { options: { prefix: 'a@b:c' } }],
    ['redis://h?prefix=', { options: { prefix: '' } }],
    ['redis://h/1?', { db: 1 }],
    [
      'redis://h?codec=json&ttlMs=60000&latest=all&latestRequests=3&updateRetries=2',
      {
        options: {
          codec: jsonCodec,
          ttlMs: 60_000,
          latest: { labels: 'all', requests: 3, responses: 'all' },
          updateRetries: 2,
        },
      },
    ],
    // TLS
    [
      'rediss://h?tlsCaFile=/etc/ca.pem&tlsCertFile=/c.pem&tlsKeyFile=/k.pem&tlsServerName=cache.local&tlsRejectUnauthorized=false',
      {
        tls: {
          caFile: '/etc/ca.pem',
          certFile: '/c.pem',
          keyFile: '/k.pem',
          serverName: 'cache.local',
          rejectUnauthorized: false,
        },
      },
    ],
    ['rediss+cluster://a?tlsRejectUnauthorized=1', { tls: { rejectUnauthorized: true } }],
  ])('%s', (uri, expected) => {
    expect(parseRedisUri(uri)).toMatchObject(expected);
  });

  it('leaves out what the URI does not set', () => {
    const target = parseRedisUri('redis://h');
    for (const key of ['tls', 'username', 'password', 'client', 'clientName']) {
      expect(target).not.toHaveProperty(key);
    }
    expect(target.options).not.toHaveProperty('prefix');
    expect(parseRedisUri('redis+sentinel://s/m').topology).toBe('sentinel');
  });
});

describe('parseRedisUri: errors', () => {
  it.each<[string, RegExp]>([
    // scheme
    ['http://x', /expected one of redis:\/\/, rediss:\/\//],
    ['memory://', /expected one of/],
    ['constructor://x', /expected one of/],
    ['rediss+unix:///tmp/r.sock', /TLS over a unix socket/],
    ['redis:/h', /expected scheme:\/\//],
    ['', /expected a URI/],
    // hosts and ports
    ['redis://', /expected a host, for example redis:\/\/localhost:6379/],
    ['redis://u:p@', /expected a host/],
    ['redis+cluster://', /expected a host, for example redis\+cluster:/],
    ['redis://:6379', /no host before its port/],
    ['redis://h:99999', /port must be a number from 1 to 65535/],
    ['redis://h:0', /port must be/],
    ['redis://h:', /port must be/],
    ['redis://h:+1', /port must be/],
    ['redis://h:0x10', /port must be/],
    ['redis://h:6379:1', /IPv6 address goes in brackets/],
    ['redis://::1', /IPv6 address goes in brackets/],
    ['redis://[::1', /closing/],
    ['redis://[::1]x', /expected ':port' after/],
    ['redis://[::1]:', /port must be/],
    ['redis://[zz::1]', /invalid IPv6/],
    ['redis://[]', /invalid IPv6/],
    ['redis://[127.0.0.1]', /invalid IPv6/],
    ['redis://[fe80::1%25eth0]', /invalid IPv6/],
    ['redis://h_ost$', /host must be a name or an IP address/],
    ['redis://h%20x', /host must be a name/],
    ['redis://a,b', /takes one host: use redis\+cluster/],
    ['rediss://a,b', /use rediss\+cluster/],
    ['redis+cluster://a:1,,b:2', /empty host in the node list/],
    ['redis+cluster://a:1,', /empty host/],
    ['redis+sentinel://,s/m', /empty host/],
    ['redis+cluster://a:1,A:1', /the node A:1 is listed twice/],
    ['redis+cluster://a,a:6379', /listed twice/],
    ['redis+cluster://[::1],[0::1]:6379', /the node \[::1\]:6379 is listed twice/],
    // path: db, master name, socket
    ['redis://h/abc', /db must be a non-negative integer, got "abc"/],
    ['redis://h/-1', /db must be a non-negative integer/],
    ['redis://h/1.5', /db must be/],
    ['redis://h/1e3', /db must be/],
    ['redis://h/99999999999999999999', /db must be/],
    ['redis://h:6379/0/extra', /extra path segments/],
    ['redis://h//', /extra path segments/],
    ['redis+cluster://a:1,b:2/1', /a cluster has only db 0, got db 1/],
    ['redis+cluster://a/x', /db must be/],
    ['redis+sentinel://s1,s2', /expected the master name/],
    ['redis+sentinel://s1/', /expected the master name/],
    ['redis+sentinel://s1/m/x', /db must be/],
    ['redis+sentinel://s1/m/1/x', /extra path segments/],
    ['redis+sentinel://s/%zz', /the master name is not valid percent-encoding/],
    ['redis+unix://', /expected the socket path/],
    ['redis+unix:///', /expected the socket path/],
    ['redis+unix://localhost/tmp/r.sock', /takes no host/],
    ['redis+unix:///tmp/r.sock?db=x', /db must be a non-negative integer/],
    ['redis+unix:///tmp/%00.sock', /NUL/],
    ['redis://h?db=2', /the db goes in the path/],
    // credentials
    ['redis://u:p%zz@h', /the password is not valid percent-encoding/],
    ['redis://%zz@h', /the user is not valid percent-encoding/],
    ['redis://h?password=x', /credentials go before the host, as in redis:\/\/user:password@host/],
    ['redis+unix:///tmp/r.sock?username=u', /redis\+unix:\/\/user:password@\/path/],
    // query
    ['redis://h?tlsCaFile=/ca.pem', /tlsCaFile: TLS parameters need a TLS scheme/],
    ['redis+cluster://h?tlsRejectUnauthorized=false', /need a TLS scheme/],
    ['redis+sentinel://s/m?tlsServerName=x', /need a TLS scheme/],
    ['rediss://h?tlsCertFile=/c.pem', /tlsCertFile and tlsKeyFile go together/],
    ['rediss://h?tlsKeyFile=/k.pem', /go together/],
    ['rediss://h?tlsCaFile=', /tlsCaFile must not be empty/],
    ['rediss://h?tlsRejectUnauthorized=maybe', /tlsRejectUnauthorized must be true or false/],
    ['redis://h?role=replica', /apply to redis\+sentinel:\/\/ only/],
    ['redis://h?sentinelPassword=x', /apply to redis\+sentinel/],
    ['redis+sentinel://s/m?role=leader', /role must be one of master, replica/],
    ['redis://h?client=jedis', /client must be one of ioredis, node-redis/],
    ['redis://h?name=a%20b', /name must be printable ASCII/],
    ['redis://h?name=', /name must be printable ASCII/],
    ['redis://h?connectTimeoutMs=0', /connectTimeoutMs must be an integer >= 1/],
    ['redis://h?commandTimeoutMs=-1', /commandTimeoutMs must be an integer >= 0/],
    ['redis://h?codec=xml', /codec must be one of/],
    ['redis://h?ttlMs=0', /ttlMs must be/],
    ['redis://h?ttl=5', /unknown query parameter: ttl/],
    ['redis://h?ttl=5&Prefix=a', /unknown query parameters: ttl, Prefix/],
    ['redis://h?prefix=a&prefix=b', /the query parameter "prefix" is given twice/],
    // syntax
    ['redis://h#frag', /fragment/],
    ['redis://h/0?prefix=a#x', /fragment/],
    ['redis://h /0', /space or a control character/],
    ['redis://h\n', /space or a control character/],
    ['redis://h?prefix=a@b', /a raw '@' after the host/],
    ['redis+sentinel://s/my@master', /a raw '@' after the host/],
  ])('%s', (uri, reason) => {
    let error: unknown;
    try {
      parseRedisUri(uri);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidUriError);
    expect((error as InvalidUriError).code).toBe('INVALID_URI');
    expect((error as InvalidUriError).message).toMatch(reason);
  });

  it.each([42, null, undefined, {}])('refuses the non-string %j', (uri) => {
    expect(() => parseRedisUri(uri as string)).toThrow(InvalidUriError);
  });
});

describe('parseRedisUri: passwords never leak', () => {
  // [uri, secrets that must appear in no error message, error URI nor redactedUri]
  it.each<[string, string[]]>([
    // valid URIs: the redacted form
    ['redis://u:hunter2@h', ['hunter2']],
    ['redis://u:p%40ss@h', ['p%40ss', 'p@ss']],
    ['redis+unix://:hunter2@/tmp/s', ['hunter2']],
    ['redis+sentinel://u:hunter2@s/m?sentinelPassword=hunter3', ['hunter2', 'hunter3']],
    ['redis://u:raw@hunter2@h', ['hunter2']],
    // malformed URIs
    ['redis://u:hunter2@h:99999', ['hunter2']],
    ['redis://u:p%40ss@h:99999', ['p%40ss', 'p@ss']],
    ['redis://u:p%40ss@h/abc', ['p%40ss', 'p@ss']],
    ['redis://u:p%40ss%zz@h', ['p%40ss', 'p@ss']],
    ['redis://:hunter2@', ['hunter2']],
    ['redis://u:hunter2@h/abc', ['hunter2']],
    ['redis://u:hunter2/x@h', ['hunter2']],
    ['redis://u:x/hunter2@h', ['hunter2']],
    ['redis://u:hunter2?x@h', ['hunter2']],
    ['redis://u:x?hunter2@h', ['hunter2']],
    ['redis://u:hunter2#x@h', ['hunter2']],
    ['redis://u:x#hunter2@h', ['hunter2']],
    ['redis://u:x/y?hunter2@h', ['hunter2']],
    ['redis://u:hunter2 x@h', ['hunter2']],
    ['redis://u:x /y?hunter2@h', ['hunter2']],
    ['redis://u:p@hunter2/x@h', ['hunter2']],
    ['redis://u:hunter2@h?prefix=a@b', ['hunter2']],
    ['redis://u:hunter2@h?prefix=a&prefix=b', ['hunter2']],
    ['redis://u:hunter2@h?bogus=1', ['hunter2']],
    ['redis://u:hunter2@h#frag', ['hunter2']],
    ['redis://u:hunter2@[::1', ['hunter2']],
    ['redis://u:hunter2@h?tlsCaFile=x', ['hunter2']],
    ['redis:/u:hunter2@h', ['hunter2']],
    ['http://u:hunter2@h', ['hunter2']],
    ['rediss+unix://u:p%40ss@/tmp/s', ['p%40ss', 'p@ss']],
    ['redis+cluster://u:hunter2@a,,b', ['hunter2']],
    ['redis+sentinel://s/m?sentinelPassword=hunter2&bogus=1', ['hunter2']],
    ['redis+sentinel://s/m?sentinel%50assword=hunter2&bogus=1', ['hunter2']],
    ['redis://h?password=hunter2', ['hunter2']],
    ['redis://h?password=x#hunter2', ['hunter2']],
    ['redis://h?sentinelPassword=hunter2', ['hunter2']],
  ])('%s', (uri, secrets) => {
    let shown: string[];
    try {
      shown = [parseRedisUri(uri).redactedUri];
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidUriError);
      shown = [String(error), (error as InvalidUriError).uri, (error as Error).stack ?? ''];
    }
    for (const text of shown) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});

describe('REDIS_URI_GRAMMAR', () => {
  const rows = REDIS_URI_GRAMMAR.split('\n');

  it('is written once: no other source file of the layout repeats its rows', () => {
    const sources = readdirSync(new URL('../src/', import.meta.url)).filter((file) =>
      file.endsWith('.ts'),
    );
    const holders = sources.filter((file) => {
      const source = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
      return rows.slice(2).some((row) => source.includes(row.slice(0, 60)));
    });
    expect(holders).toEqual(['redis-uri-grammar.ts']);
  });

  it('names every scheme and every query parameter', () => {
    for (const scheme of REDIS_SCHEMES) expect(REDIS_URI_GRAMMAR).toContain(`\`${scheme}://`);
    for (const param of [
      'prefix',
      'connectTimeoutMs',
      'commandTimeoutMs',
      'client',
      'name',
      'tlsCaFile',
      'tlsCertFile',
      'tlsKeyFile',
      'tlsServerName',
      'tlsRejectUnauthorized',
      'db',
      'sentinelUsername',
      'sentinelPassword',
      'role',
      'codec',
      'ttlMs',
      'latest',
      'latestLabels',
      'latestRequests',
      'latestResponses',
      'updateRetries',
    ]) {
      expect(REDIS_URI_GRAMMAR).toMatch(new RegExp(`[?&]${param}=`));
    }
  });

  it.each(rows.slice(2))('the example of this row parses: %s', (row) => {
    const example = /\| `([^`]+)` \|$/.exec(row)?.[1];
    expect(example).toBeDefined();
    expect(() => parseRedisUri(example!)).not.toThrow();
  });
});
