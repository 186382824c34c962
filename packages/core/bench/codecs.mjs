// Rich-codec benchmark: how the codec of @context-storage/core was chosen (see docs/codecs.md).
// Usage: pnpm --filter @context-storage/core bench:codecs   (builds first; Node 20)
// Part 1: fidelity matrix (encode with one instance, decode with a FRESH instance = "another process").
// Part 2: speed (warm-up + timed loop, 3 runs, median) and payload size on three payload shapes.

import { readFileSync } from 'node:fs';
import { inspect, isDeepStrictEqual } from 'node:util';
import v8 from 'node:v8';
import { deserialize, serialize } from '@ungap/structured-clone';
import * as ungapJson from '@ungap/structured-clone/json';
import * as devalue from 'devalue';
import { isNativeAccelerationEnabled, Packr } from 'msgpackr';
import superjson from 'superjson';
import { devalueCodec, jsonCodec } from '../dist/index.mjs';

const ver = (p) =>
  JSON.parse(readFileSync(new URL(`../node_modules/${p}/package.json`, import.meta.url))).version;

// ---------------------------------------------------------------- codecs
const msgpackr = (opts) => () => {
  const p = new Packr(opts);
  return { encode: (v) => p.pack(v), decode: (b) => p.unpack(b) };
};
// Sketch of the wrapper's pre-encode guard: refuse (throw) what the codec would silently change.
// strict=true is the msgpackr profile (it also loses -0, holes, lone surrogates, cycles); devalue needs less.
const EXACT = new Set([
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  Uint8Array.prototype,
]);
const LEAF = new Set([Date.prototype, Uint8Array.prototype, Buffer.prototype]);
function makeGuard({ strict }) {
  const fail = (why) => {
    throw new TypeError(`value cannot be stored faithfully: ${why}`);
  };
  return function guard(root) {
    const ancestors = new Set(),
      seen = new Set();
    const walk = (v) => {
      switch (typeof v) {
        case 'string':
          if (strict && !v.isWellFormed()) fail('lone surrogate in string');
          return;
        case 'number':
          if (strict && Object.is(v, -0)) fail('-0');
          return;
        case 'boolean':
        case 'bigint':
        case 'undefined':
          return;
        case 'object':
          if (v === null) return;
          break;
        default:
          fail(typeof v);
      }
      if (ancestors.has(v)) {
        if (strict) fail('cyclic reference');
        return;
      }
      if (!strict) {
        if (seen.has(v)) return;
        seen.add(v);
      } // devalue keeps shared refs/cycles itself
      const proto = Object.getPrototypeOf(v);
      if (!EXACT.has(proto) && !(strict && proto === Buffer.prototype))
        fail(`unsupported type ${v.constructor?.name ?? 'null-prototype object'}`);
      if (LEAF.has(proto)) return;
      if (Object.getOwnPropertySymbols(v).length) fail('symbol key');
      ancestors.add(v);
      if (proto === Map.prototype)
        for (const [k, x] of v) {
          walk(k);
          walk(x);
        }
      else if (proto === Set.prototype) for (const x of v) walk(x);
      else if (proto === Array.prototype)
        for (let i = 0; i < v.length; i++) {
          if (strict && !(i in v)) fail('sparse array');
          walk(v[i]);
        }
      else
        for (const k in v) {
          if (k === '__proto__') fail('own "__proto__" key');
          walk(v[k]);
        }
      ancestors.delete(v);
    };
    walk(root);
    return root;
  };
}
const guarded = (make, guard) => () => {
  const c = make();
  return { encode: (v) => c.encode(guard(v)), decode: c.decode };
};
const CODECS = [
  { name: 'msgpackr{moreTypes}', make: msgpackr({ moreTypes: true }) },
  { name: 'msgpackr{structuredClone}', make: msgpackr({ structuredClone: true }) },
  {
    name: 'msgpackr{moreTypes,useRecords:false}',
    make: msgpackr({ moreTypes: true, useRecords: false }),
  },
  { name: 'superjson', make: () => ({ encode: superjson.stringify, decode: superjson.parse }) },
  { name: 'devalue', make: () => ({ encode: devalue.stringify, decode: devalue.parse }) },
  {
    name: 'ungap serialize+JSON',
    make: () => ({
      encode: (v) => JSON.stringify(serialize(v)),
      decode: (s) => deserialize(JSON.parse(s)),
    }),
  },
  {
    name: 'ungap/json (lossy)',
    make: () => ({ encode: ungapJson.stringify, decode: ungapJson.parse }),
  },
  {
    name: 'msgpackr{moreTypes}+guard',
    make: guarded(msgpackr({ moreTypes: true }), makeGuard({ strict: true })),
  },
  {
    name: 'devalueCodec (ours: devalue+guard)',
    make: () => ({ encode: (v) => devalueCodec.encode(v, 'v'), decode: devalueCodec.decode }),
  },
  { name: 'v8.serialize (ref)', make: () => ({ encode: v8.serialize, decode: v8.deserialize }) },
];
const JSON_CODEC = {
  name: 'JSON (baseline*)',
  make: () => ({ encode: JSON.stringify, decode: JSON.parse }),
};
const OUR_JSON_CODEC = {
  name: 'jsonCodec (ours: JSON+guard)*',
  make: () => ({ encode: (v) => jsonCodec.encode(v, 'v'), decode: jsonCodec.decode }),
};

// ---------------------------------------------------------------- fidelity cases
class Point {
  constructor() {
    this.x = 1;
    this.y = 2;
  }
  norm() {
    return Math.hypot(this.x, this.y);
  }
}
const cyclic = () => {
  const o = { name: 'o' };
  o.self = o;
  return o;
};
const shared = () => {
  const s = { v: 1 };
  return { a: s, b: s };
};
const CASES = [
  ['Date', () => new Date(Date.UTC(2024, 5, 10, 12, 30, 45, 123))],
  ['BigInt small (5n)', () => 5n],
  ['BigInt > 2^64', () => 2n ** 100n + 7n],
  ['BigInt negative', () => -(2n ** 70n)],
  ['BigInt neg small', () => -5n],
  [
    'Map w/ object keys',
    () =>
      new Map([
        [{ k: 1 }, 'obj'],
        ['s', 2],
      ]),
  ],
  ['Set', () => new Set([1, 'a', 3n])],
  ['Uint8Array', () => new Uint8Array([0, 1, 255])],
  ['Buffer', () => Buffer.from([0, 1, 255])],
  ['nested Map/obj/arr', () => [{ m: new Map([['k', new Set([new Date(0)])]]), n: 1 }]],
  ['undefined in obj', () => ({ a: undefined, b: 1 })],
  ['undefined in arr', () => [1, undefined, 3]],
  ['NaN', () => NaN],
  ['Infinity/-Infinity', () => [Infinity, -Infinity]],
  ['-0', () => -0],
  // biome-ignore lint/suspicious/noSparseArray: the case under test
  ['sparse array', () => [1, , 3]],
  ['invalid Date', () => new Date(NaN), (o) => o instanceof Date && Number.isNaN(o.getTime())],
  ['own "__proto__" key', () => JSON.parse('{"__proto__":{"polluted":1},"a":1}')],
  ['lone surrogate str', () => 'a\ud800b'],
  ['Map subclass', () => new (class MyMap extends Map {})([[1, 2]])],
  ['class instance', () => new Point()],
  ['function in obj', () => ({ f: () => 1, a: 1 })],
  ['symbol in obj', () => ({ s: Symbol('x'), a: 1 })],
  ['symbol key', () => ({ [Symbol('k')]: 1, a: 1 })],
  ['shared ref identity', shared, (o) => o.a === o.b && o.a.v === 1],
  ['cyclic object', cyclic, (o) => o.self === o && o.name === 'o'],
];

const show = (v) => {
  const s = inspect(v, { depth: 4, breakLength: Infinity, compact: true });
  return s.length > 70 ? `${s.slice(0, 67)}...` : s;
};
function fidelity() {
  const marks = CASES.map(() => []),
    details = [];
  for (const c of CODECS) {
    const enc = c.make(); // one long-lived encoder per codec ...
    CASES.forEach(([label, mk, check], i) => {
      let mark, note;
      try {
        const out = c.make().decode(enc.encode(mk())); // ... and a fresh decoder per value
        const ok = check ? check(out) : isDeepStrictEqual(out, mk());
        [mark, note] = ok ? ['OK', null] : ['chg', `-> ${show(out)}`];
      } catch (e) {
        [mark, note] = [
          'ERR',
          `throws ${e.constructor.name}: ${e.message.split('\n')[0].slice(0, 70)}`,
        ];
      }
      marks[i].push(mark);
      if (note) details.push([i, `  ${label.padEnd(20)} ${c.name.padEnd(36)} ${note}`]);
    });
  }
  const rows = CASES.map(([label], i) => [label, ...marks[i]]);
  const names = CODECS.map((_c, i) => `[${i + 1}]`);
  console.log(
    '## Fidelity (OK = deep-strict-equal incl. prototypes/-0/holes; chg = silently changed; ERR = throws)',
  );
  for (const [i, c] of CODECS.entries()) console.log(`  [${i + 1}] ${c.name}`);
  console.log(['case'.padEnd(20), ...names.map((n) => n.padStart(4))].join(' '));
  for (const r of rows)
    console.log([r[0].padEnd(20), ...r.slice(1).map((m) => m.padStart(4))].join(' '));
  console.log('\n## What changed / what was thrown');
  console.log(
    details
      .sort((a, b) => a[0] - b[0])
      .map((d) => d[1])
      .join('\n'),
  ); // stable sort: case order
}

// ---------------------------------------------------------------- payloads (deterministic)
const BASE = Date.UTC(2024, 5, 10);
const lorem =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. ';
const misc = {
  userId: 'u_8c1f2a9e',
  sessionId: 'sess_4f7d2c10b9e3',
  locale: 'en-US',
  channel: 'web',
  step: 7,
  retries: 0,
  score: 0.8734,
  confidence: 0.91,
  isAuthenticated: true,
  lastIntent: 'order_status',
  slots: { orderId: 'ORD-99887766', email: 'jane.doe@example.com', deliveryDate: '2024-06-12' },
  cart: {
    currency: 'EUR',
    items: [
      { sku: 'A-100', qty: 2, price: 19.99 },
      { sku: 'B-777', qty: 1, price: 5.5 },
    ],
  },
  address: { street: '12 Rue de la Paix', city: 'Paris', zip: '75002', country: 'FR' },
  history: ['greet', 'ask_order', 'provide_id', 'confirm', 'ask_delivery'],
  flags: { vip: false, beta: true, optOut: false },
  counters: { messages: 42, fallbacks: 1, handoffs: 0 },
  lastError: null,
  tz: 'Europe/Paris',
  preferences: { tone: 'friendly', language: 'en', notifications: { email: true, sms: false } },
  summary:
    'Customer asked about the status of an order placed last week; order found and in transit.',
};
const turn = {
  id: 'turn_000123',
  role: 'assistant',
  text: lorem.repeat(11).slice(0, 1024),
  createdAt: new Date(BASE + 123456),
  tokens: 312,
  model: 'chat-model-v2',
  latencyMs: 842,
  tags: ['answer', 'final'],
};
const large = Array.from({ length: 5000 }, (_, i) => ({
  id: i,
  ts: new Date(BASE + i * 1000),
  userId: `user_${i % 97}`,
  event: ['click', 'view', 'buy'][i % 3],
  value: i * 1.25,
  ok: i % 2 === 0,
  label: `record number ${i} of the large payload`,
  meta: { src: 'bench', lvl: i % 5, note: 'padding text to reach ~1MB total' },
}));
const jsonCompatible = (v) => JSON.parse(JSON.stringify(v)); // Dates -> ISO strings
const PAYLOADS = [
  ['a) misc ctx', misc],
  ['b) turn item', turn],
  ['c) large 5k recs', large],
];

// ---------------------------------------------------------------- timing
let _sink;
function opsPerSec(fn, arg, ms) {
  let n = 0,
    batch = 1;
  const t0 = performance.now();
  let t = 0;
  while (t < ms) {
    for (let i = 0; i < batch; i++) _sink = fn(arg);
    n += batch;
    t = performance.now() - t0;
    if (t < ms / 20) batch *= 2; // grow batch so timer overhead stays negligible
  }
  return (n * 1000) / t;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sizeOf = (out) => (typeof out === 'string' ? Buffer.byteLength(out, 'utf8') : out.byteLength);
const printable = (out) => {
  const b = typeof out === 'string' ? Buffer.from(out) : out;
  let p = 0;
  for (const x of b) if (x >= 0x20 && x < 0x7f) p++;
  return `${((100 * p) / b.length).toFixed(0)}%`;
};
const fmt = (ops) =>
  `${(1e6 / ops).toFixed(ops > 1e5 ? 2 : 1).padStart(9)} µs ${Math.round(ops).toLocaleString('en').padStart(10)}/s`;

function speed() {
  console.log('\n## Speed & size (median of 3 x 400 ms after 150 ms warm-up; µs/op and ops/s)');
  console.log(
    '* JSON baseline runs on the JSON-compatible variant (Dates pre-converted to ISO strings).',
  );
  for (const [label, value] of PAYLOADS) {
    console.log(
      `\n### ${label}  (JSON.stringify length of JSON-compatible variant: ${JSON.stringify(value).length} B)`,
    );
    console.log(
      `${'codec'.padEnd(37)}${'bytes'.padStart(9)}  ${'encode'.padEnd(27)}  ${'decode'.padEnd(27)}  out-type   printable`,
    );
    const rows = [JSON_CODEC, OUR_JSON_CODEC, ...CODECS].map((c) => {
      const input = c === JSON_CODEC || c === OUR_JSON_CODEC ? jsonCompatible(value) : value;
      const { encode, decode } = c.make();
      try {
        const out = encode(input);
        opsPerSec(encode, input, 150);
        opsPerSec(decode, out, 150); // warm-up (JIT)
        const equal = isDeepStrictEqual(c.make().decode(out), input); // fresh decoder
        return { c, input, encode, decode, out, equal, enc: [], dec: [] };
      } catch (e) {
        return { c, error: e.message.slice(0, 60) };
      }
    });
    for (let rep = 0; rep < 3; rep++) {
      // runs are interleaved across codecs so load drift hits all alike
      for (const r of rows.filter((r) => !r.error)) {
        r.enc.push(opsPerSec(r.encode, r.input, 400));
        r.dec.push(opsPerSec(r.decode, r.out, 400));
      }
    }
    for (const { c, out, equal, enc, dec, error } of rows) {
      if (error) {
        console.log(`${c.name.padEnd(37)} ERR ${error}`);
        continue;
      }
      const type = typeof out === 'string' ? 'string' : out.constructor.name;
      console.log(
        `${c.name.padEnd(37)}${String(sizeOf(out)).padStart(9)}  ${fmt(median(enc))}  ${fmt(median(dec))}  ` +
          `${type.padEnd(10)} ${printable(out).padStart(4)}${equal ? '' : '  (round-trip NOT equal!)'}`,
      );
    }
  }
}

// ---------------------------------------------------------------- main
console.log(
  `node ${process.version} ${process.platform}/${process.arch}  msgpackr ${ver('msgpackr')} ` +
    `(native accel: ${isNativeAccelerationEnabled}) superjson ${ver('superjson')} devalue ${ver('devalue')} ` +
    `@ungap/structured-clone ${ver('@ungap/structured-clone')}\n`,
);
fidelity();
speed();
