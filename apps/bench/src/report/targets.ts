import type { BenchResults, PerTurnResult, TargetCheck } from '../results.js';
import type { ClientName, TargetKind } from '../targets/target.js';
import { formatCount, formatMs, formatRatio } from './format.js';

type Figures = Pick<BenchResults, 'perTurn' | 'concurrency'>;

/** Redis server time per turn the layout must stay within, µs (issue 15). */
export const SERVER_MICROS_GOAL = 20;

function perTurnRow(
  results: Figures,
  kind: TargetKind,
  client: ClientName,
  length: number,
): PerTurnResult | undefined {
  return results.perTurn.find(
    (row) => row.kind === kind && row.client === client && row.length === length,
  );
}

function p50(results: Figures, kind: TargetKind, client: ClientName, length: number): number {
  return perTurnRow(results, kind, client, length)?.turn.p50 ?? Number.NaN;
}

/** `p99 / p50` of a row (computed for results written before the field). */
export function tailRatio(row: PerTurnResult | undefined): number {
  if (row === undefined) return Number.NaN;
  return row.p99OverP50 ?? row.turn.p99 / row.turn.p50;
}

function throughput(results: Figures, kind: TargetKind, client: ClientName, inFlight: number) {
  const found = results.concurrency.find(
    (row) => row.kind === kind && row.client === client && row.inFlight === inFlight,
  );
  return found?.turnsPerSecond ?? Number.NaN;
}

/** A target's check with its verdict: the ratio compared with the threshold. */
export function check(base: Omit<TargetCheck, 'met'>): TargetCheck {
  // NaN (a figure missing) compares false either way: not met.
  const met =
    base.comparison === '<=' ? base.ratio <= base.threshold : base.ratio >= base.threshold;
  return { ...base, met };
}

/** The largest value of `figure` over `lengths`, with its length (NaN counts as the largest). */
function worst(lengths: readonly number[], figure: (length: number) => number) {
  const all = lengths.map((length) => ({ length, value: figure(length) }));
  const found = all.reduce(
    (a, b) => (Number.isNaN(b.value) || b.value > a.value ? b : a),
    all[0] ?? { length: 0, value: Number.NaN },
  );
  return { ...found, all };
}

const micros = (value: number) => `${formatCount(value, value < 10 ? 1 : 0)} µs`;
const at = (all: readonly { length: number; value: number }[], show: (v: number) => string) =>
  `${all.map(({ length, value }) => `${show(value)} at ${formatCount(length)}`).join(', ')} turns`;

/**
/**
 * The flat-cost target of one client: p50 per turn at every length within 1.3x of the p50 at the
 * shortest (the worst length decides); `baseline` says how the whole-context baseline grows over
 * the same lengths.
 */
export function flatCostCheck(
  client: TargetCheck['client'],
  p50s: readonly { length: number; value: number }[],
  baseline: string,
): TargetCheck {
  const first = p50s[0]?.value ?? Number.NaN;
  const growth = worst(
    p50s.map(({ length }) => length),
    (length) => (p50s.find((row) => row.length === length)?.value ?? Number.NaN) / first,
  );
  const longest = p50s.at(-1)?.length ?? 0;
  return check({
    id: 'flat-cost',
    client,
    goal: `per-turn p50 at every length up to ${formatCount(longest)} turns within 1.3x of the p50 at ${formatCount(p50s[0]?.length ?? 0)}`,
    ratio: growth.value,
    threshold: 1.3,
    comparison: '<=',
    figures: `p50 ${at(p50s, formatMs)}; ${baseline}`,
  });
}

/**
 * The issue's targets, per Redis client, from the figures of one run (each a ratio of two
 * figures of that run on the same client, or a figure against a fixed goal), in this order:
 * - `redis-cpu`: the adapter's Redis CPU per turn at every length over the whole-context
 *   baseline's at the shortest length (at most 1x, the worst length);
 * - `server-time`: the adapter's Redis server time per turn (commandstats, scripts included), the
 *   worst length (at most {@link SERVER_MICROS_GOAL} µs);
 * - `short-dialogs`: p50 at the shortest length over the whole-context baseline's (at most 1x);
 * - `flat-cost`: {@link flatCostCheck};
 * - `library-overhead`: adapter over the raw client sending the same commands (at most 1.2x, the
 *   worst length);
 * - `tail`: p99 over p50 one turn in flight (at most 3x, the worst length);
 * - `concurrency`: turns/s at the highest concurrency over the whole-context baseline's, dialogs
 *   of 10 turns (at least 2x).
 */
export function evaluateTargets(results: Figures, clients: readonly ClientName[]): TargetCheck[] {
  const lengths = [...new Set(results.perTurn.map((row) => row.length))].sort((a, b) => a - b);
  const shortest = lengths[0] ?? 0;
  const longest = lengths.at(-1) ?? 0;
  const flights = results.concurrency.map((row) => row.inFlight);
  const most = Math.max(...flights);
  return clients.flatMap((client) => {
    const adapter = (length: number) => perTurnRow(results, 'adapter', client, length);
    const whole = (length: number) => perTurnRow(results, 'whole-context', client, length);
    const raw = (length: number) => perTurnRow(results, 'raw-layout', client, length);
    const cpu = (row: PerTurnResult | undefined) => row?.traffic?.cpuMicros ?? Number.NaN;
    const server = (row: PerTurnResult | undefined) => row?.traffic?.serverMicros ?? Number.NaN;

    const wholeCpu = cpu(whole(shortest));
    const cpuRatio = worst(lengths, (length) => cpu(adapter(length)) / wholeCpu);
    const serverTime = worst(lengths, (length) => server(adapter(length)));
    const first = p50(results, 'adapter', client, shortest);
    const wholeFirst = p50(results, 'whole-context', client, shortest);
    const wholeGrowth = p50(results, 'whole-context', client, longest) / wholeFirst;
    const overhead = worst(
      lengths,
      (length) =>
        p50(results, 'adapter', client, length) / p50(results, 'raw-layout', client, length),
    );
    const tail = worst(lengths, (length) => tailRatio(adapter(length)));
    const adapterRate = throughput(results, 'adapter', client, most);
    const wholeRate = throughput(results, 'whole-context', client, most);
    const rawRate = throughput(results, 'raw-layout', client, most);
    const pairsRate = throughput(results, 'raw-set-get', client, most);
    return [
      check({
        id: 'redis-cpu',
        client,
        goal: `Redis CPU per turn at every length at most the whole-context design's at ${formatCount(shortest)} turns`,
        ratio: cpuRatio.value,
        threshold: 1,
        comparison: '<=',
        figures: `adapter ${at(
          lengths.map((length) => ({ length, value: cpu(adapter(length)) })),
          micros,
        )}; whole-context ${micros(wholeCpu)} at ${formatCount(shortest)} (${micros(cpu(whole(longest)))} at ${formatCount(longest)})`,
      }),
      check({
        id: 'server-time',
        client,
        goal: `Redis server time per turn (commandstats, scripts included) at most ${SERVER_MICROS_GOAL} µs at every length`,
        ratio: serverTime.value,
        threshold: SERVER_MICROS_GOAL,
        unit: 'µs',
        comparison: '<=',
        figures: `adapter ${at(serverTime.all, micros)}; whole-context ${micros(server(whole(shortest)))} at ${formatCount(shortest)}, raw layout commands ${micros(server(raw(shortest)))}`,
      }),
      check({
        id: 'short-dialogs',
        client,
        goal: `per-turn p50 at ${formatCount(shortest)} turns at most the whole-context design's on the same client`,
        ratio: first / wholeFirst,
        threshold: 1,
        comparison: '<=',
        figures: `p50 ${formatMs(first)} vs ${formatMs(wholeFirst)} for whole-context GET+SET`,
      }),
      flatCostCheck(
        client,
        lengths.map((length) => ({ length, value: p50(results, 'adapter', client, length) })),
        `whole-context baseline grows ${formatRatio(wholeGrowth)}`,
      ),
      check({
        id: 'library-overhead',
        client,
        goal: 'within 1.2x of the raw client sending the same commands',
        ratio: overhead.value,
        threshold: 1.2,
        comparison: '<=',
        figures: `per-turn p50 ratio ${at(overhead.all, formatRatio)}; at ${most} in flight ${formatCount(adapterRate)} vs ${formatCount(rawRate)} turns/s (${formatRatio(rawRate / adapterRate)})`,
      }),
      check({
        id: 'tail',
        client,
        goal: 'p99 at most 3x p50 at one turn in flight, at every length',
        ratio: tail.value,
        threshold: 3,
        comparison: '<=',
        figures: `p99/p50 ${at(tail.all, formatRatio)}; raw layout commands ${formatRatio(tailRatio(raw(shortest)))}, whole-context ${formatRatio(tailRatio(whole(shortest)))} at ${formatCount(shortest)}`,
      }),
      check({
        id: 'concurrency',
        client,
        goal: `${most} dialogs of 10 turns in flight: at least 2x the whole-context design's turns/s`,
        ratio: adapterRate / wholeRate,
        threshold: 2,
        comparison: '>=',
        figures: `${formatCount(adapterRate)} vs ${formatCount(wholeRate)} turns/s (raw layout commands ${formatCount(rawRate)}, plain SET+GET ${formatCount(pairsRate)} pairs/s)`,
      }),
    ];
  });
}
