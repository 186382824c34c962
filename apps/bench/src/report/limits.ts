import type { BenchResults, TargetCheck } from '../results.js';
import { SCRIPT_CALLS } from '../traffic.js';
import { formatBytes, formatCount, formatMs, formatRatio } from './format.js';
import { explainPostgresLimit } from './postgres-limits.js';

type Figures = Pick<BenchResults, 'perTurn' | 'concurrency'>;

function traffic(results: Figures, target: string, length: number) {
  return results.perTurn.find((row) => row.target === target && row.length === length)?.traffic;
}

function busiest(results: Figures, target: string) {
  const rows = results.concurrency.filter((row) => row.target === target);
  return rows.reduce<(typeof rows)[number] | undefined>(
    (most, row) => (most === undefined || row.inFlight > most.inFlight ? row : most),
    undefined,
  );
}

function single(results: Figures, target: string) {
  return results.concurrency.find((row) => row.target === target && row.inFlight === 1);
}

/** The commands a turn's scripts ran inside Redis, and how much of the scripts' time they took. */
function luaSummary(traffic: NonNullable<Figures['perTurn'][number]['traffic']>): string {
  const inside = Object.entries(traffic.commands)
    .filter(([name]) => !SCRIPT_CALLS.has(name))
    .map(([name, calls]) => `${formatCount(calls, 1)} ${name.toUpperCase()}`)
    .join(', ');
  return (
    `${formatCount(traffic.luaCommands, 1)} commands inside Redis per turn: ${inside}; they took ${micros(traffic.luaCommandMicros)}` +
    ', the rest is the Lua interpreter, which copies every argument and every reply, payloads included, into Lua strings and back'
  );
}

/** What each Redis binding does per call that the raw client does not. */
const BINDING = {
  ioredis:
    ' the ioredis binding asks for Buffer replies (decoded to text again by core) and pipelines only batches',
  'node-redis':
    ' the node-redis binding asks for Buffer replies through a type mapping (decoded to text again by core)',
} as const;

const micros = (value: number | undefined) => `${formatCount(value ?? Number.NaN)} µs`;

function p50(results: Figures, kind: string, client: string, length: number): number {
  const row = results.perTurn.find(
    (candidate) =>
      candidate.kind === kind && candidate.client === client && candidate.length === length,
  );
  return row?.turn.p50 ?? Number.NaN;
}

/**
 * What limits the figure of one target, in a sentence or three, quoting the run's own traffic
 * counts and timings: the reasons are those of the design (what the scripts do, what the library
 * adds), the numbers those measured.
 */
export function explainLimit(check: TargetCheck, results: Figures): string {
  const lengths = [...new Set(results.perTurn.map((row) => row.length))].sort((a, b) => a - b);
  const shortest = lengths[0] ?? 0;
  const longest = lengths.at(-1) ?? 0;
  const { client } = check;
  if (client === 'pg' || client === 'pglite') return explainPostgresLimit(check, results);
  switch (check.id) {
    case 'flat-cost': {
      const first = traffic(results, client, shortest);
      const last = traffic(results, client, longest);
      const whole = traffic(results, `whole-context (${client})`, longest);
      return [
        `A turn sends the same two EVALSHA at every length: the load reads the main fields and a fixed window of 3 items per field, the save writes the new turn's 3 items and the main fields`,
        first && last
          ? ` (${formatBytes(first.bytesIn + first.bytesOut)} on the wire per turn at ${formatCount(shortest)} turns, ${formatBytes(last.bytesIn + last.bytesOut)} at ${formatCount(longest)}`
          : ' (',
        whole
          ? `, against ${formatBytes(whole.bytesIn + whole.bytesOut)} for the whole-context baseline).`
          : ').',
        ' What is left to grow is inside Redis: a hash of fewer than 128 fields is a compact listpack, a long dialog a hash table of tens of thousands of fields (more memory touched per lookup); and on this 2-core machine Redis and Node share the CPUs, so a few percent either way is noise.',
      ].join('');
    }
    case 'library-overhead': {
      const adapter = p50(results, 'adapter', client, shortest);
      const raw = p50(results, 'raw-layout', client, shortest);
      const rawName = `raw EVALSHA (${client})`;
      return [
        `Same commands and the same bytes on the wire (traffic table), so the difference is CPU in Node: ${formatMs(Math.max(0, adapter - raw))} per turn at ${formatCount(shortest)} turns;`,
        ` one turn at a time, the Node process spent ${micros(single(results, client)?.clientCpuMicros)} of CPU per adapter turn against ${micros(single(results, rawName)?.clientCpuMicros)} for the raw client.`,
        ' The library validates the main info and builds a Context with change-tracking turn maps on every load; on every save it walks each new value with the JSON codec guard, re-encodes misc and frameworkData to skip them when unchanged, and compares payloads;',
        `${BINDING[client]}, and core arms a deadline timer per call; all of it allocates, and garbage collection ranks high in a CPU profile.`,
        ' The raw baseline only JSON-parses what it loaded and JSON-stringifies the new turn.',
      ].join('');
    }
    case 'concurrency': {
      const adapter = busiest(results, client);
      const scripts = busiest(results, `raw EVALSHA (${client})`);
      const pairs = busiest(results, `raw SET+GET (${client})`);
      const inLua = adapter?.traffic ? luaSummary(adapter.traffic) : 'the layout’s commands';
      const nodeBound = (adapter?.clientCpuMicros ?? 0) >= (adapter?.traffic?.serverMicros ?? 0);
      return [
        `Per turn at ${adapter?.inFlight ?? ''} in flight, Redis spent ${micros(adapter?.traffic?.serverMicros)} executing the adapter's two EVALSHA (their scripts run ${inLua}) against ${micros(pairs?.traffic?.serverMicros)} for a plain GET and SET;`,
        ` alone, the scripts would cap one Redis core at about ${formatCount(1e6 / (adapter?.traffic?.serverMicros ?? Number.NaN))} turns/s (the raw client sending them reached ${formatCount(scripts?.turnsPerSecond ?? Number.NaN)}).`,
        ` The Node process spent ${micros(adapter?.clientCpuMicros)} of CPU per adapter turn (${micros(pairs?.clientCpuMicros)} per pair), about ${formatCount(1e6 / (adapter?.clientCpuMicros ?? Number.NaN))} turns/s for one core. Node and Redis share this machine's cores: ${nodeBound ? "the client's CPU per turn (library, binding, garbage collection) is the first limit, the scripts' server time the second" : "the scripts' server time is the first limit, the client's CPU per turn the second"}.`,
        ` Without any library at all, the raw client sending the same scripts reached ${formatRatio((scripts?.turnsPerSecond ?? Number.NaN) / (pairs?.turnsPerSecond ?? Number.NaN))} of the pairs' rate: against plain GET and SET, a version-checked atomic turn in Lua cannot reach half on this machine.`,
      ].join('');
    }
    default:
      return '';
  }
}
