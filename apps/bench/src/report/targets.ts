import type { BenchResults, TargetCheck } from '../results.js';
import type { ClientName, TargetKind } from '../targets/target.js';
import { formatCount, formatMs, formatRatio } from './format.js';

type Figures = Pick<BenchResults, 'perTurn' | 'concurrency'>;

function p50(results: Figures, kind: TargetKind, client: ClientName, length: number): number {
  const found = results.perTurn.find(
    (row) => row.kind === kind && row.client === client && row.length === length,
  );
  return found?.turn.p50 ?? Number.NaN;
}

function throughput(results: Figures, kind: TargetKind, client: ClientName, inFlight: number) {
  const found = results.concurrency.find(
    (row) => row.kind === kind && row.client === client && row.inFlight === inFlight,
  );
  return found?.turnsPerSecond ?? Number.NaN;
}

/** A target's check with its verdict: the ratio compared with the threshold. */
export function check(base: Omit<TargetCheck, 'met'>): TargetCheck {
  const met =
    base.comparison === '<=' ? base.ratio <= base.threshold : base.ratio >= base.threshold;
  return { ...base, met };
}

/**
 * The flat-cost target of one client: p50 per turn at the longest dialog within 1.3x of the
 * shortest; `baseline` says how the whole-context baseline grows over the same lengths.
 */
export function flatCostCheck(
  client: TargetCheck['client'],
  [shortest, first]: readonly [length: number, p50: number],
  [longest, last]: readonly [length: number, p50: number],
  baseline: string,
): TargetCheck {
  return check({
    id: 'flat-cost',
    client,
    goal: `per-turn cost at ${formatCount(longest)} turns within 1.3x of the cost at ${formatCount(shortest)}`,
    ratio: last / first,
    threshold: 1.3,
    comparison: '<=',
    figures: `p50 ${formatMs(first)} at ${formatCount(shortest)} turns, ${formatMs(last)} at ${formatCount(longest)}; ${baseline}`,
  });
}

/**
 * The issue's three targets, per Redis client, from the figures of one run (ratios of p50 per-turn
 * costs and of throughputs, all measured in that run): per-turn cost at the longest dialog over
 * the shortest (at most 1.3x); adapter over the raw client sending the same commands, the worst
 * dialog length (at most 1.2x); adapter turns/s over plain SET+GET pairs at the highest
 * concurrency (at least 0.5x).
 */
export function evaluateTargets(results: Figures, clients: readonly ClientName[]): TargetCheck[] {
  const lengths = [...new Set(results.perTurn.map((row) => row.length))].sort((a, b) => a - b);
  const shortest = lengths[0] ?? 0;
  const longest = lengths.at(-1) ?? 0;
  const flights = results.concurrency.map((row) => row.inFlight);
  const most = Math.max(...flights);
  return clients.flatMap((client) => {
    const first = p50(results, 'adapter', client, shortest);
    const last = p50(results, 'adapter', client, longest);
    const wholeGrowth =
      p50(results, 'whole-context', client, longest) /
      p50(results, 'whole-context', client, shortest);
    const overheads = lengths.map((length) => ({
      length,
      ratio: p50(results, 'adapter', client, length) / p50(results, 'raw-layout', client, length),
    }));
    const worst = overheads.reduce((a, b) => (b.ratio > a.ratio ? b : a), overheads[0]!);
    const adapterRate = throughput(results, 'adapter', client, most);
    const pairsRate = throughput(results, 'raw-set-get', client, most);
    const rawRate = throughput(results, 'raw-layout', client, most);
    return [
      flatCostCheck(
        client,
        [shortest, first],
        [longest, last],
        `whole-context baseline grows ${formatRatio(wholeGrowth)}`,
      ),
      check({
        id: 'library-overhead',
        client,
        goal: 'within 1.2x of the raw client sending the same commands',
        ratio: worst.ratio,
        threshold: 1.2,
        comparison: '<=',
        figures: `per-turn p50 ratio ${overheads.map((o) => `${formatRatio(o.ratio)} at ${formatCount(o.length)}`).join(', ')} turns; at ${most} in flight ${formatCount(adapterRate)} vs ${formatCount(rawRate)} turns/s (${formatRatio(rawRate / adapterRate)})`,
      }),
      check({
        id: 'concurrency',
        client,
        goal: `${most} dialogs in flight: at least half the turns/s of raw SET+GET pairs`,
        ratio: adapterRate / pairsRate,
        threshold: 0.5,
        comparison: '>=',
        figures: `${formatCount(adapterRate)} turns/s vs ${formatCount(pairsRate)} pairs/s`,
      }),
    ];
  });
}
