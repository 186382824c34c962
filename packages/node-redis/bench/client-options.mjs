// Client-options benchmark: how to bound every node-redis call in time without losing throughput.
// Usage (from packages/node-redis, Node 20, redis-server on PATH): node bench/client-options.mjs
// Env: BENCH_MS (measured window, default 2000), WARM_MS (warm-up, default 500), ROUNDS (default 3).
//
// Starts its own redis-server on a free loopback port and stops it at the end. Each measurement
// (config x in-flight) runs in a fresh forked Node process, so timers or AbortSignals left behind
// by one config cannot slow the next. Rounds are interleaved; the table shows medians over rounds.
// Workload: closed loop, each worker alternates EVALSHA (Lua HMGET of 3 fields) and HMGET;
// replies are read as Buffers (node-redis typeMapping BLOB_STRING -> Buffer, ioredis *Buffer).
// Last part: freezes the server (SIGSTOP) and checks which 300 ms bounds actually fire.

import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect as connectTcp, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, RESP_TYPES } from 'redis';

const IOREDIS_DIR = new URL('../../ioredis/', import.meta.url);
const Redis = createRequire(IOREDIS_DIR)('ioredis');
const version = (dir) => JSON.parse(readFileSync(new URL('package.json', dir))).version;

const TIMEOUT_MS = 5000; // the bound every config uses (= node-redis DEFAULT_COMMAND_TIMEOUT)
const FIELDS = ['a', 'b', 'c'];
const LUA = "return redis.call('HMGET', KEYS[1], 'a', 'b', 'c')";
const key = (w) => `bench:client-options:${w}`;
const AS_BUFFER = { [RESP_TYPES.BLOB_STRING]: Buffer };

class DeadlineError extends Error {}
const onDeadline = (reject) => reject(new DeadlineError('deadline exceeded'));

// Own bound: one setTimeout per call, cleared as soon as the call settles.
function withDeadline(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(onDeadline, ms, reject);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

// ---------------------------------------------------------------- configs
// client: [library, options]; op(client, worker, i, sha) issues one command (or one batch).
const raw = (c, w, i, sha, opts) =>
  i & 1
    ? c.sendCommand(['HMGET', key(w), ...FIELDS], opts)
    : c.sendCommand(['EVALSHA', sha, '1', key(w)], opts);
const typed = (c, w, i, sha) =>
  i & 1 ? c.hmGet(key(w), FIELDS) : c.evalSha(sha, { keys: [key(w)] });
const deadlined = (c, w, i, sha) => withDeadline(raw(c, w, i, sha), TIMEOUT_MS);
const aborted = (c, w, i, sha) =>
  raw(c, w, i, sha, { abortSignal: AbortSignal.timeout(TIMEOUT_MS) });
const pair = (c, w, sha) => [raw(c, w, 0, sha), raw(c, w, 1, sha)];
const ioredis = (c, w, i, sha) =>
  i & 1 ? c.hmgetBuffer(key(w), ...FIELDS) : c.evalshaBuffer(sha, 1, key(w));

const nr = (extra = {}) => [
  'node-redis',
  { ...extra, commandOptions: { typeMapping: AS_BUFFER, ...extra.commandOptions } },
];
const NO_TIMEOUT = { commandOptions: { timeout: 0 } };
const RESP3 = { RESP: 3 };

const CONFIGS = [
  { name: 'nr RESP2 defaults (timeout 5000), sendCommand', client: nr(), op: raw },
  { name: 'nr RESP2 defaults (timeout 5000), typed evalSha/hmGet', client: nr(), op: typed },
  { name: 'nr RESP2 timeout:0, unbounded', client: nr(NO_TIMEOUT), op: raw },
  { name: 'nr RESP2 timeout:0, typed, unbounded', client: nr(NO_TIMEOUT), op: typed },
  { name: 'nr RESP2 timeout:0 + own setTimeout deadline', client: nr(NO_TIMEOUT), op: deadlined },
  {
    name: 'nr RESP2 timeout:0 + abortSignal: AbortSignal.timeout',
    client: nr(NO_TIMEOUT),
    op: aborted,
  },
  { name: 'nr RESP3 defaults (timeout 5000)', client: nr(RESP3), op: raw },
  { name: 'nr RESP3 timeout:0, unbounded', client: nr({ ...RESP3, ...NO_TIMEOUT }), op: raw },
  {
    name: 'nr RESP3 timeout:0 + own setTimeout deadline',
    client: nr({ ...RESP3, ...NO_TIMEOUT }),
    op: deadlined,
  },
  // Batches: Promise.all of EVALSHA + HMGET; half the workers, so in-flight commands match.
  {
    name: 'nr batch x2, timeout:0, unbounded',
    batch: 2,
    client: nr(NO_TIMEOUT),
    op: (c, w, _i, sha) => Promise.all(pair(c, w, sha)),
  },
  {
    name: 'nr batch x2, timeout:0 + a deadline per command',
    batch: 2,
    client: nr(NO_TIMEOUT),
    op: (c, w, _i, sha) => Promise.all(pair(c, w, sha).map((p) => withDeadline(p, TIMEOUT_MS))),
  },
  {
    name: 'nr batch x2, timeout:0 + one shared deadline',
    batch: 2,
    client: nr(NO_TIMEOUT),
    op: (c, w, _i, sha) => withDeadline(Promise.all(pair(c, w, sha)), TIMEOUT_MS),
  },
  { name: 'ioredis defaults (no commandTimeout)', client: ['ioredis', {}], op: ioredis },
  {
    name: 'ioredis commandTimeout: 5000',
    client: ['ioredis', { commandTimeout: TIMEOUT_MS }],
    op: ioredis,
  },
];

async function connect([lib, options], port) {
  if (lib === 'ioredis') {
    const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, ...options });
    await c.connect();
    return { c, close: () => c.quit() };
  }
  const c = createClient({ socket: { host: '127.0.0.1', port }, ...options });
  c.on('error', () => {}); // surfaced through the rejected commands instead
  await c.connect();
  return { c, close: () => c.close() };
}

// ---------------------------------------------------------------- child: one measurement
async function measure({ port, sha, config, inflight, warmMs, runMs }) {
  const { client, op, batch = 1 } = CONFIGS.find((c) => c.name === config);
  const { c, close } = await connect(client, port);
  const lat = [];
  let recording = false;
  let stop = false;
  const worker = async (w) => {
    for (let i = w; !stop; i++) {
      const t0 = performance.now();
      await op(c, w, i, sha);
      if (recording) lat.push(performance.now() - t0);
    }
  };
  const workers = Array.from({ length: Math.max(1, inflight / batch) }, (_, w) => worker(w));
  await sleep(warmMs);
  recording = true;
  const t0 = performance.now();
  await sleep(runMs);
  recording = false;
  const elapsed = performance.now() - t0;
  stop = true;
  await Promise.all(workers);
  await close();
  lat.sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))];
  return { opsPerSec: (lat.length * batch * 1000) / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

if (process.argv[2] === '--child') {
  process.send(await measure(JSON.parse(process.argv[3])));
  process.exit(0);
}

// ---------------------------------------------------------------- parent
const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

async function waitForPort(port) {
  for (let i = 0; i < 50; i++) {
    const socket = connectTcp(port, '127.0.0.1');
    const ok = await once(socket, 'connect').then(
      () => true,
      () => false,
    );
    socket.destroy();
    if (ok) return;
    await sleep(100);
  }
  throw new Error('redis-server did not start');
}

function runChild(args) {
  const child = fork(new URL(import.meta.url).pathname, ['--child', JSON.stringify(args)]);
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => code !== 0 && reject(new Error(`${args.config}: exit ${code}`)));
  });
}

async function frozenServerCheck(server, port, sha) {
  const BOUND = 300;
  const CAP = 2000;
  const hmget = (c, opts) => raw(c, 0, 1, sha, opts);
  const checks = [
    ['nr commandOptions.timeout: 300', nr({ commandOptions: { timeout: BOUND } }), hmget],
    [
      'nr abortSignal: AbortSignal.timeout(300)',
      nr(NO_TIMEOUT),
      (c) => hmget(c, { abortSignal: AbortSignal.timeout(BOUND) }),
    ],
    ['nr timeout:0 + own deadline 300', nr(NO_TIMEOUT), (c) => withDeadline(hmget(c), BOUND)],
    [
      'ioredis commandTimeout: 300',
      ['ioredis', { commandTimeout: BOUND }],
      (c) => c.hmgetBuffer(key(0), ...FIELDS),
    ],
  ];
  const clients = await Promise.all(checks.map(([, client]) => connect(client, port)));
  server.kill('SIGSTOP');
  try {
    const results = await Promise.all(
      checks.map(async ([name, , call], i) => {
        const t0 = performance.now();
        const settled = call(clients[i].c).then(
          () => 'resolved',
          (e) => `rejected (${e.constructor.name})`,
        );
        const outcome = await Promise.race([settled, sleep(CAP, 'still pending')]);
        return { name, outcome, ms: Math.round(performance.now() - t0) };
      }),
    );
    console.log(`\nServer frozen (SIGSTOP), one HMGET per client, bound ${BOUND} ms:`);
    for (const r of results) console.log(`  ${r.name.padEnd(44)} ${r.outcome} after ${r.ms} ms`);
  } finally {
    server.kill('SIGCONT');
  }
  await Promise.all(clients.map((x) => x.close()));
}

const port = await freePort();
const flags = '--bind 127.0.0.1 --appendonly no --daemonize no'.split(' ');
const server = spawn('redis-server', ['--port', `${port}`, '--save', '', ...flags], {
  stdio: 'ignore',
});
try {
  await waitForPort(port);
  const setup = await createClient({ socket: { host: '127.0.0.1', port } }).connect();
  const sha = await setup.scriptLoad(LUA);
  for (let w = 0; w < 64; w++)
    await setup.hSet(key(w), { a: 'x'.repeat(64), b: 'y'.repeat(256), c: 'z'.repeat(16) });
  const redisVersion = (await setup.info('server')).match(/redis_version:(\S+)/)[1];
  await setup.close();

  const warmMs = Number(process.env.WARM_MS ?? 500);
  const runMs = Number(process.env.BENCH_MS ?? 2000);
  const rounds = Number(process.env.ROUNDS ?? 3);
  console.log(
    `node ${process.version}, redis (node-redis) ${version(new URL('../node_modules/redis/', import.meta.url))}, ` +
      `ioredis ${version(new URL('node_modules/ioredis/', IOREDIS_DIR))}, redis-server ${redisVersion}, ` +
      `${rounds} rounds x ${runMs} ms after ${warmMs} ms warm-up, bound ${TIMEOUT_MS} ms`,
  );

  const results = new Map(CONFIGS.map((c) => [c.name, { 1: [], 64: [] }]));
  for (let r = 0; r < rounds; r++)
    for (const { name } of CONFIGS)
      for (const inflight of [1, 64]) {
        const result = await runChild({ port, sha, config: name, inflight, warmMs, runMs });
        results.get(name)[inflight].push(result);
      }

  const median = (xs) => xs.toSorted((a, b) => a - b)[xs.length >> 1];
  const cell = (runs) => {
    const ops = median(runs.map((x) => x.opsPerSec));
    const ms = (k) => median(runs.map((x) => x[k])).toFixed(3);
    return `${String(Math.round(ops)).padStart(7)} ${ms('p50').padStart(6)} ${ms('p99').padStart(6)}`;
  };
  const w = Math.max(...CONFIGS.map((c) => c.name.length));
  console.log(`\n${''.padEnd(w)}  ${'1 in-flight'.padEnd(21)}  64 in-flight`);
  console.log(
    `${'config'.padEnd(w)}  ${'ops/s  p50ms  p99ms'.padStart(21)}  ${'ops/s  p50ms  p99ms'.padStart(21)}`,
  );
  for (const [name, byInflight] of results)
    console.log(`${name.padEnd(w)}  ${cell(byInflight[1])}  ${cell(byInflight[64])}`);
  console.log(
    '(batch rows: ops/s counts commands; latency is per batch of 2; "1 in-flight" = 1 batch)',
  );

  await frozenServerCheck(server, port, sha);
} finally {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGCONT');
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}
