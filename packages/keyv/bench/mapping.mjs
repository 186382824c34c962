// Mapping benchmark: should a context be ONE Keyv entry, or one entry per turn item?
// Usage (from packages/keyv, Node 20, /usr/bin/redis-server): node bench/mapping.mjs
// Env: ITERATIONS (per cell, default 300), WARMUP (default 50), CELL_MS (time cap per cell after
// which a cell stops early, default 8000; the table shows how many iterations each cell ran).
//
// Starts its own redis-server on a free loopback port (no persistence) and stops it by its pid.
// Context shape: main info ~1 KB (misc + framework JSON text), per turn 3 items: label ~30 B,
// request ~300 B and response ~500 B of JSON text (payloads are strings, as in src/keyv-driver.ts).
//   A, one entry per context: {version, turn, created, updated, misc, framework, items: {l, q, r}}.
//     load = get(id); save = get(id) (version check) + set(id, whole context).
//   B, one entry per item: main {version, turn, ...} under id, items under id:l:7, id:q:7, id:r:7.
//     load = get(id) (which turn is the latest?) + getMany(9 item keys of the latest 3 turns);
//     save = get(id) (version check) + setMany([main, 3 new items]).
// A "turn" is what a bot does per message: load, append one turn, save. Each context is filled to
// its length untimed, and restored untimed after every timed turn, so the length stays fixed.
// "bytes/turn" = JSON.stringify length of the values handed to set/setMany by one save.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';

const LENGTHS = [10, 100, 1000];
const ITERATIONS = Number(process.env.ITERATIONS ?? 300);
const WARMUP = Number(process.env.WARMUP ?? 50);
const CELL_MS = Number(process.env.CELL_MS ?? 8000);
const MIN_ITERATIONS = 50; // even a slow cell runs this many, so that p99 means something
const TAGS = ['l', 'q', 'r'];
const WINDOW = 3; // a load returns the latest 3 turns

// ---------------------------------------------------------------- payloads (deterministic)
const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(40);
const jsonText = (size, fields) => {
  const empty = JSON.stringify({ ...fields, text: '' }).length;
  return JSON.stringify({ ...fields, text: FILLER.slice(0, size - empty) });
};
const itemOf = (tag, turn) =>
  tag === 'l'
    ? `label of turn ${turn}`.padEnd(30, '.')
    : jsonText(tag === 'q' ? 300 : 500, { role: tag === 'q' ? 'user' : 'bot', turn });
const MISC = jsonText(800, { user: 'u-42', locale: 'en', slots: { city: 'Paris', n: 3 } });
const FRAMEWORK = jsonText(200, { flow: 'main', node: 'answer' });
const latestTurns = (turn) =>
  Array.from({ length: WINDOW }, (_, i) => turn - i).filter((t) => t > 0);
const MAIN = { created: 1, updated: 1, misc: MISC, framework: FRAMEWORK };
const newMain = (n) => ({ ...MAIN, version: n, turn: n });

// ---------------------------------------------------------------- the two mappings
// Each: fill (untimed), load -> { main, items }, save(loaded, items) -> values written, restore.
const A = {
  name: 'A one entry',
  async fill(keyv, id, n) {
    const entry = { ...newMain(n), items: { l: {}, q: {}, r: {} } };
    for (let t = 1; t <= n; t++) for (const tag of TAGS) entry.items[tag][t] = itemOf(tag, t);
    await keyv.set(id, entry);
    return entry;
  },
  async load(keyv, id) {
    const entry = await keyv.get(id);
    const turns = latestTurns(entry.turn);
    const items = Object.fromEntries(
      TAGS.map((tag) => [tag, turns.map((t) => entry.items[tag][t])]),
    );
    return { main: entry, items };
  },
  async save(keyv, id, loaded, items) {
    // Read-modify-write: Keyv has no partial update, so the whole context is read and rewritten.
    const entry = await keyv.get(id);
    if (entry.version !== loaded.main.version) throw new Error(`${id}: version conflict`);
    const turn = entry.turn + 1;
    Object.assign(entry, { version: entry.version + 1, turn, updated: Date.now() });
    for (const tag of TAGS) entry.items[tag][turn] = items[tag];
    await keyv.set(id, entry);
    return [entry];
  },
  restore: (keyv, id, filled) => keyv.set(id, filled),
};

const itemKey = (id, tag, turn) => `${id}:${tag}:${turn}`;
const B = {
  name: 'B entry/item',
  async fill(keyv, id, n) {
    const main = newMain(n);
    const entries = [];
    for (let t = 1; t <= n; t++)
      for (const tag of TAGS) entries.push({ key: itemKey(id, tag, t), value: itemOf(tag, t) });
    await keyv.setMany(entries);
    await keyv.set(id, main);
    return main;
  },
  async load(keyv, id) {
    // Two round trips: the item keys depend on the current turn, which only the main entry knows.
    const main = await keyv.get(id);
    const turns = latestTurns(main.turn);
    const keys = TAGS.flatMap((tag) => turns.map((t) => itemKey(id, tag, t)));
    const values = await keyv.getMany(keys);
    const items = Object.fromEntries(
      TAGS.map((tag, i) => [tag, values.slice(i * turns.length, (i + 1) * turns.length)]),
    );
    return { main, items };
  },
  async save(keyv, id, loaded, items) {
    const main = await keyv.get(id);
    if (main.version !== loaded.main.version) throw new Error(`${id}: version conflict`);
    const turn = main.turn + 1;
    const next = { ...main, version: main.version + 1, turn, updated: Date.now() };
    const entries = [
      { key: id, value: next },
      ...TAGS.map((tag) => ({ key: itemKey(id, tag, turn), value: items[tag] })),
    ];
    await keyv.setMany(entries);
    return entries.map((e) => e.value);
  },
  async restore(keyv, id, filled) {
    await keyv.deleteMany(TAGS.map((tag) => itemKey(id, tag, filled.turn + 1)));
    await keyv.set(id, filled);
  },
};

// ---------------------------------------------------------------- measurement
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const stats = (samples) => {
  const sorted = samples.toSorted((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), n: sorted.length };
};

// Runs op WARMUP times, then until ITERATIONS or the cell's time cap; returns latencies in ms.
async function measure(op, after = async () => {}) {
  for (let i = 0; i < WARMUP; i++) {
    await op();
    await after();
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < ITERATIONS) {
    if (samples.length >= MIN_ITERATIONS && performance.now() - start > CELL_MS) break;
    const t0 = performance.now();
    await op();
    samples.push(performance.now() - t0);
    await after();
  }
  return stats(samples);
}

async function runCell(keyv, mapping, n) {
  const id = `ctx-${mapping.name[0]}-${n}`;
  const filled = await mapping.fill(keyv, id, n);
  // Check once that a load returns what was written, so that a broken path is not timed.
  const { main, items } = await mapping.load(keyv, id);
  const ok = main.turn === n && items.r[0] === itemOf('r', n) && items.l[2] === itemOf('l', n - 2);
  if (!ok) throw new Error(`${id}: load returned wrong data`);

  const load = await measure(() => mapping.load(keyv, id));
  const newItems = (turn) => Object.fromEntries(TAGS.map((tag) => [tag, itemOf(tag, turn)]));
  let written;
  const turn = await measure(
    async () => {
      const loaded = await mapping.load(keyv, id);
      const values = await mapping.save(keyv, id, loaded, newItems(loaded.main.turn + 1));
      written ??= values; // sized after the clock stops, below
    },
    () => mapping.restore(keyv, id, filled),
  );
  const bytes = written.reduce((sum, v) => sum + JSON.stringify(v).length, 0);
  // How many Keyv entries this context occupies: what listing ids or deleting it must visit.
  let entries = 0;
  for await (const [key] of keyv.iterator()) if (key === id || key.startsWith(`${id}:`)) entries++;
  return { load, turn, bytes, writes: written.length, entries };
}

// ---------------------------------------------------------------- own throwaway redis-server
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function startRedis(port) {
  const args = ['--port', `${port}`, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const stdio = ['ignore', 'pipe', 'inherit'];
  return spawn('/usr/bin/redis-server', [...args, '--dir', tmpdir()], { stdio });
}

// Resolves once the server says it accepts connections; rejects with its log otherwise.
function untilReady(child) {
  let log = '';
  child.stdout.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    const fail = (why) => reject(new Error(`redis-server ${why}:\n${log}`));
    const timer = setTimeout(fail, 10_000, 'did not start within 10 s');
    child.once('exit', (code) => fail(`exited (${code})`));
    child.once('error', (error) => fail(`failed to start (${error.message})`));
    child.stdout.on('data', function onData(chunk) {
      log += chunk;
      if (!log.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.stdout.off('data', onData).resume(); // keep draining its log, the pipe never fills
      resolve();
    });
  });
}

// ---------------------------------------------------------------- main
const version = (pkg) =>
  JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url))).version;
const fmt = (ms) => (ms < 1 ? `${Math.round(ms * 1000)} µs` : `${ms.toFixed(2)} ms`);
const port = await freePort();
const redis = startRedis(port);
const OPTIONS = { namespace: 'bench', throwOnErrors: true }; // throw: a failure is never timed
const stores = [
  ['Map', () => new Keyv(OPTIONS)],
  ['redis', () => new Keyv({ store: new KeyvRedis(`redis://127.0.0.1:${port}`), ...OPTIONS })],
];
const COLUMNS =
  'store|turns|mapping|load p50|load p99|turn p50|turn p99|bytes/turn|writes|entries|n';
const WIDTHS = [6, 6, 13, 10, 10, 10, 10, 11, 7, 8, 8];
const row = (cells) => cells.map((c, i) => `${c}`[i < 3 ? 'padEnd' : 'padStart'](WIDTHS[i]));
try {
  await untilReady(redis);
  console.log(
    `node ${process.version}, keyv ${version('keyv')}, @keyv/redis ${version('@keyv/redis')}, ` +
      `redis-server 127.0.0.1:${port} pid ${redis.pid}, <= ${ITERATIONS} runs/cell after ${WARMUP}`,
  );
  console.log(`\n${row(COLUMNS.split('|')).join(' ')}`);
  for (const [storeName, makeKeyv] of stores) {
    const keyv = makeKeyv();
    try {
      for (const n of LENGTHS)
        for (const mapping of [A, B]) {
          const r = await runCell(keyv, mapping, n);
          const times = [r.load.p50, r.load.p99, r.turn.p50, r.turn.p99].map(fmt);
          const rest = [r.bytes, r.writes, r.entries, `${r.load.n}/${r.turn.n}`];
          console.log(row([storeName, n, mapping.name, ...times, ...rest]).join(' '));
        }
    } finally {
      await keyv.disconnect();
    }
  }
  console.log('turn = load + append one turn + save; writes = values per save;');
  console.log('entries = Keyv entries of one context; n = loads/turns timed');
} finally {
  // Stop only the server this script started, by its pid.
  if (redis.pid !== undefined && redis.exitCode === null && redis.signalCode === null) {
    process.kill(redis.pid, 'SIGTERM');
    await once(redis, 'exit');
  }
}
