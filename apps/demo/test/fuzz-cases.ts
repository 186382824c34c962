import type { RawOptions } from './raw-client.js';

/** One request the demo must refuse, as raw bytes, and the statuses it may answer. */
export interface FuzzCase {
  name: string;
  parts: (string | Buffer)[];
  options?: RawOptions;
  /**
   * Statuses the answer may have. Empty: the client resets the connection before the request is
   * whole, so no answer can arrive; the case only checks that the server survives it.
   */
  statuses: number[];
}

/** A small seeded PRNG (mulberry32): the same seed sends the same requests on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const between = (random: Random, low: number, high: number): number =>
  low + Math.floor(random() * (high - low + 1));

/** A raw HTTP/1.1 request: a request line, `Host` (unless `host` is false), headers, a body. */
function request(
  method: string,
  path: string,
  headers: string[],
  body: string | Buffer = '',
  host = true,
): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, ...(host ? ['Host: demo'] : []), ...headers];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
}

const JSON_HEADER = 'Content-Type: application/json';
const jsonPost = (body: string | Buffer, extra: string[] = []): Buffer =>
  request(
    'POST',
    '/api/messages',
    [JSON_HEADER, `Content-Length: ${Buffer.byteLength(body)}`, ...extra],
    body,
  );
const VALID = JSON.stringify({ userId: 'fuzz-user', text: 'hello' });

/** The served paths and the methods each serves. */
const ROUTES: [path: string, methods: string[]][] = [
  ['/', ['GET', 'HEAD']],
  ['/api/messages', ['POST']],
  ['/api/contexts', ['GET', 'HEAD']],
  ['/api/contexts/nobody', ['GET', 'HEAD', 'DELETE']],
];
/** Methods Node's parser knows; the demo serves GET, HEAD, POST and DELETE. */
const KNOWN_METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'];
const MORE_METHODS = ['MKCOL', 'LOCK', 'PURGE', 'LINK', 'SEARCH', 'REPORT', 'QUERY'];

function badJson(random: Random): FuzzCase {
  const kind = between(random, 0, 4);
  let body: string | Buffer;
  if (kind === 0) body = VALID.slice(0, between(random, 0, VALID.length - 1));
  else if (kind === 1) {
    // Random bytes: printable ASCII half the time, anything the other half.
    const top = random() < 0.5 ? 126 : 255;
    const low = top === 126 ? 32 : 0;
    body = Buffer.from(
      Array.from({ length: between(random, 1, 200) }, () => between(random, low, top)),
    );
  } else if (kind === 2) {
    body = pick(random, [
      "{'userId':'u','text':'hi'}",
      '{"userId":"u","text":"hi"',
      '{"userId":"u","text":"hi"}}',
      '{"userId":"u",/* c */"text":"hi"}',
      '{"userId":"u","text":NaN}',
      '\uFEFF{"userId":"u","text":"hi"}',
      '{"userId":"u","text":"hi"} trailing',
      '{"userId":"u","text":"\\x41"}',
    ]);
  } else if (kind === 3) {
    // Not UTF-8: a lone continuation byte inside an otherwise valid message.
    body = Buffer.concat([
      Buffer.from('{"userId":"u","text":"'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
  } else body = pick(random, ['', ' ', 'null', '[]', '"text"', '42', 'true', '{}']);
  return {
    name: `bad JSON ${JSON.stringify(body.toString('latin1'))}`,
    parts: [jsonPost(body)],
    statuses: [400],
  };
}

function wrongTypes(random: Random): FuzzCase {
  const wrong: unknown[] = [0, 1.5, -1, true, false, null, [], ['a'], {}, { a: 1 }];
  const field = pick(random, ['userId', 'text', 'both'] as const);
  const badUserId = pick(random, [...wrong, '', ' ', 'a b', 'a/b', 'ü', 'a\n', 'x'.repeat(101)]);
  const badText = pick(random, [...wrong, '', '   ', '\t\n', 'x'.repeat(2_001)]);
  const message: Record<string, unknown> = { userId: 'fuzz-user', text: 'hello' };
  if (field !== 'text') message.userId = badUserId;
  if (field !== 'userId') message.text = badText;
  if (random() < 0.2) delete message[field === 'text' ? 'text' : 'userId'];
  const statuses = message.text === 'x'.repeat(2_001) ? [413, 400] : [400];
  const body = JSON.stringify(message);
  return { name: `wrong types ${body.slice(0, 80)}`, parts: [jsonPost(body)], statuses };
}

function hugeBody(random: Random): FuzzCase {
  const size = between(random, 16 * 1024 + 1, 6 * 1024 * 1024);
  const kind = between(random, 0, 2);
  if (kind === 2) {
    // Under the byte limit, over the 2,000 characters of a message.
    const text = 'y'.repeat(between(random, 2_001, 15_000));
    return {
      name: `text of ${text.length} chars`,
      parts: [jsonPost(JSON.stringify({ userId: 'u', text }))],
      statuses: [413],
    };
  }
  const filler = Buffer.alloc(size, 'z');
  if (kind === 0) return { name: `${size} B body`, parts: [jsonPost(filler)], statuses: [413] };
  const head = request('POST', '/api/messages', [JSON_HEADER, 'Transfer-Encoding: chunked']);
  const chunked = Buffer.concat([
    Buffer.from(`${size.toString(16)}\r\n`),
    filler,
    Buffer.from('\r\n0\r\n\r\n'),
  ]);
  return { name: `${size} B chunked body`, parts: [head, chunked], statuses: [413] };
}

function partialBody(random: Random): FuzzCase {
  const declared = between(random, 10, 16_000);
  const sent = VALID.slice(0, between(random, 0, Math.min(VALID.length, declared - 1)));
  const head = request('POST', '/api/messages', [JSON_HEADER, `Content-Length: ${declared}`]);
  const kind = between(random, 0, 9);
  const name = `${sent.length} of ${declared} B`;
  // The parser refuses a body cut by the end of the stream (400); a reset leaves no one to answer;
  // a client that stops sending meets the request timeout (408).
  if (kind < 5)
    return {
      name: `${name}, then FIN`,
      parts: [head, sent],
      options: { end: true },
      statuses: [400],
    };
  if (kind < 9)
    return {
      name: `${name}, then reset`,
      parts: [head, sent],
      options: { reset: true },
      statuses: [],
    };
  return { name: `${name}, then silence`, parts: [head, sent], statuses: [408] };
}

function oddMethod(random: Random): FuzzCase {
  const kind = between(random, 0, 3);
  if (kind === 0) {
    // Node's parser refuses a method it does not know before any handler runs (400).
    const garbage = pick(random, [
      Array.from({ length: between(random, 1, 12) }, () => pick(random, [...'QXZJW'])).join(''),
      'get',
      'Post',
      'GET\u0001',
      'G E T',
      'X'.repeat(between(random, 20, 2_000)),
      '',
    ]);
    return {
      name: `method ${JSON.stringify(garbage.slice(0, 20))}`,
      parts: [request(garbage, '/api/contexts', [])],
      statuses: [400],
    };
  }
  if (kind === 1) {
    const target = pick(random, ['example.com:443', '127.0.0.1:22', '/api/contexts', '/']);
    // The parser may refuse a CONNECT to a path before the demo sees it (400).
    const statuses = target.startsWith('/') ? [400, 405] : [405];
    return { name: `CONNECT ${target}`, parts: [request('CONNECT', target, [])], statuses };
  }
  const [path, served] = pick(random, ROUTES);
  const method = pick(
    random,
    [...KNOWN_METHODS, ...MORE_METHODS].filter((m) => !served.includes(m)),
  );
  const body = random() < 0.5 ? VALID : '';
  const headers = [JSON_HEADER, `Content-Length: ${body.length}`];
  return {
    name: `${method} ${path}`,
    parts: [request(method, path, headers, body)],
    statuses: [405],
  };
}

function oddPath(random: Random): FuzzCase {
  const method = pick(random, ['GET', 'GET', 'DELETE']);
  const escapes = [
    '%',
    '%Z',
    '%ZZ',
    '%FF',
    '%C0%AF',
    '%ED%A0%80',
    '%E0%A4%A',
    'a%',
    '%%',
    '%u0041',
  ];
  const kinds: [string, number[]][] = [
    [
      pick(random, ['//', '///', '//api/contexts', '//demo/api/contexts', '/api//contexts']),
      [404, 405],
    ],
    [
      pick(random, ['/api/contexts/', '/api/contexts//', '/api/contexts/a/b', '/API/contexts']),
      [404, 405],
    ],
    [
      pick(random, [
        '/api/contexts/../messages',
        '/api/./contexts',
        '/..',
        '/%2e%2e/',
        '/api/%2e%2e/x',
      ]),
      [404, 405],
    ],
    [`/api/contexts/${pick(random, escapes)}${pick(random, ['', 'ada', '%41'])}`, [400]],
    [`/api/contexts/${'a'.repeat(between(random, 101, 8_000))}`, [400]],
    [`/${'p/'.repeat(between(random, 10, 4_000))}`, [404, 405]],
    [`/api/contexts/${'a'.repeat(between(random, 17_000, 40_000))}`, [431]],
    [
      pick(random, [
        '/api/contexts/%C3%BC',
        '/api/contexts/%F0%9F%92%AC',
        '/api/contexts/a%20b',
        '/api/contexts/a%2Fb',
      ]),
      [400],
    ],
    // Raw bytes outside ASCII or control characters in the target: the parser refuses them (400).
    [
      pick(random, [
        '/api/contexts/\u00c3\u00bc',
        '/\u00f0\u009f\u0092\u00ac',
        '/api/contexts/a\u0001',
        '/a\tb',
      ]),
      [400],
    ],
    [`/api/contexts/nobody-${between(random, 0, 1e6)}?x=${pick(random, ['1', '%', '%ZZ'])}`, [404]],
    [
      pick(random, [
        'http://evil/api/nothing',
        'http://demo//',
        'https://demo/api/contexts/%ZZ',
        'mailto:x',
      ]),
      [400, 404],
    ],
    ['*', [404]],
  ];
  const [path, statuses] = pick(random, kinds);
  // DELETE of an id that has no context is a valid request (200 { deleted: false }).
  const verb = path.includes('nobody-') ? 'GET' : method;
  const expected = verb === 'DELETE' && statuses.includes(404) ? [...statuses, 405] : statuses;
  return {
    name: `${verb} ${path.slice(0, 60)}`,
    parts: [request(verb, path, [])],
    statuses: expected,
  };
}

function oddHeaders(random: Random): FuzzCase {
  const post = (headers: string[], body = VALID) => request('POST', '/api/messages', headers, body);
  const length = `Content-Length: ${VALID.length}`;
  const cases: [string, Buffer, number[]][] = [
    [
      'content type',
      post([
        `Content-Type: ${pick(random, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json-seq', 'json', ''])}`,
        length,
      ]),
      [415],
    ],
    ['no content type', post([length]), [415]],
    ['Expect: bogus', post([JSON_HEADER, length, 'Expect: bogus']), [417]],
    ['no Host', request('GET', '/api/contexts', [], '', false), [400]],
    [
      'bad Content-Length',
      post([JSON_HEADER, `Content-Length: ${pick(random, ['abc', '-1', '1e3', '0x10'])}`]),
      [400],
    ],
    [
      'two Content-Lengths',
      post([JSON_HEADER, length, `Content-Length: ${VALID.length + 1}`]),
      [400],
    ],
    [
      'Content-Length and chunked',
      post([JSON_HEADER, length, 'Transfer-Encoding: chunked']),
      [400],
    ],
    ['unknown Transfer-Encoding', post([JSON_HEADER, 'Transfer-Encoding: gzip']), [400]],
    [
      'bad chunk size',
      post([JSON_HEADER, 'Transfer-Encoding: chunked'], 'zz\r\nhello\r\n0\r\n\r\n'),
      [400],
    ],
    ['header without colon', request('GET', '/api/contexts', ['NoColonHere']), [400]],
    ['space in header name', request('GET', '/api/contexts', ['Bad Name: x']), [400]],
    [
      'header too large',
      request('GET', '/api/contexts', [`X-Big: ${'b'.repeat(between(random, 17_000, 30_000))}`]),
      [431],
    ],
    ['HTTP/9.9', Buffer.from('GET /api/contexts HTTP/9.9\r\nHost: demo\r\n\r\n'), [400]],
    [
      'Upgrade on bad JSON',
      post([JSON_HEADER, 'Content-Length: 3', 'Connection: Upgrade', 'Upgrade: websocket'], '{"u'),
      [400],
    ],
  ];
  const [name, bytes, statuses] = pick(random, cases);
  return { name: `header: ${name}`, parts: [bytes], statuses };
}

const GENERATORS = [badJson, wrongTypes, hugeBody, partialBody, oddMethod, oddPath, oddHeaders];

/** `part` with `Connection: close` after its first line (a request line, or garbage). */
function askingToClose(part: string | Buffer): Buffer {
  const bytes = Buffer.from(part);
  const lineEnd = bytes.indexOf('\r\n');
  if (lineEnd < 0) return bytes;
  return Buffer.concat([
    bytes.subarray(0, lineEnd + 2),
    Buffer.from('Connection: close\r\n'),
    bytes.subarray(lineEnd + 2),
  ]);
}

/**
 * `count` requests the demo must refuse, drawn from `seed`. A third ask to close the connection:
 * an answer given before the body is read must still arrive whole then.
 */
export function fuzzCases(seed: number, count: number): FuzzCase[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const fuzzCase = (GENERATORS[i % GENERATORS.length] as (random: Random) => FuzzCase)(random);
    const [first, ...rest] = fuzzCase.parts;
    const close = first !== undefined && random() < 1 / 3;
    return {
      ...fuzzCase,
      name: `#${i} ${fuzzCase.name}${close ? ' (Connection: close)' : ''}`,
      parts: close ? [askingToClose(first), ...rest] : fuzzCase.parts,
    };
  });
}
