import { performance } from 'node:perf_hooks';
import { type BenchConfig, DEFAULT_SHAPE } from './config.js';
import type { RedisMeter } from './redis-meter.js';
import { formatCount } from './report/format.js';
import type { ConcurrencyResult } from './results.js';
import { type RoundedPhase, rotatedRounds } from './rounds.js';
import { percentile } from './sampling.js';
import { settle } from './settle.js';
import type { TurnTarget } from './targets/target.js';
import { perTurnTraffic, type TurnTraffic } from './traffic.js';

/** One timed window of one target. */
interface Window {
  turns: number;
  elapsedMs: number;
  cpuMicros: number;
  traffic: TurnTraffic | null;
}

/** Runs turns with `inFlight` workers until `ms` have passed; resolves what they did. */
async function window(
  target: TurnTarget,
  inFlight: number,
  ms: number,
  next: (worker: number) => string,
  meter: RedisMeter,
): Promise<Window> {
  let turns = 0;
  let elapsedMs = 0;
  let cpuMicros = 0;
  const run = async () => {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const end = start + ms;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, worker) => {
        while (performance.now() < end) {
          await target.turn(next(worker), DEFAULT_SHAPE);
          turns += 1;
        }
      }),
    );
    elapsedMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    cpuMicros = cpu.user + cpu.system;
    return turns;
  };
  let traffic: TurnTraffic | null = null;
  if (target.usesRedis) {
    const { value, counters } = await meter.measure(run);
    traffic = perTurnTraffic(counters, value);
  } else await run();
  return { turns, elapsedMs, cpuMicros, traffic };
}

/**
 * Turns per second with `inFlight` dialogs in flight, on every target: as many workers, each
 * running turns one after the other, round robin over short dialogs of its own (10 turns, default
 * shape, so that none grows much). Each round gives every target a window of
 * `concurrencyMs / config.rounds` (after a full GC); a target's rate is the median of its windows.
 * Also measures the CPU time of this process per turn and, on Redis, the server's time, CPU and
 * traffic per turn (from the median window).
 */
export function concurrencyPhase(
  targets: readonly TurnTarget[],
  inFlight: number,
  config: BenchConfig,
  meter: RedisMeter,
): RoundedPhase<ConcurrencyResult> {
  const perWorker = config.contextsPerWorker;
  const ids = Array.from({ length: inFlight * perWorker }, (_, index) => `flight-${index}`);
  const cells = targets.map((target) => {
    // Turns each worker ran so far: its next dialog, round robin.
    const done = new Array<number>(inFlight).fill(0);
    const next = (worker: number) => {
      const round = done[worker]!;
      done[worker] = round + 1;
      return ids[worker + inFlight * (round % perWorker)]!;
    };
    return { target, next, windows: [] as Window[] };
  });
  return {
    async seed() {
      for (const { target, next } of cells) {
        await target.seed(ids, DEFAULT_SHAPE, config.concurrencyTurns);
        const warmUp = Array.from({ length: inFlight }, (_, worker) => next(worker));
        await Promise.all(warmUp.map((id) => target.turn(id, DEFAULT_SHAPE)));
      }
    },
    rounds: rotatedRounds(cells, config.rounds).map((round, index) =>
      round.map((cell) => ({
        label: `${cell.target.name} · round ${index + 1}/${config.rounds}`,
        run: async () => {
          settle();
          const ms = config.concurrencyMs / config.rounds;
          const result = await window(cell.target, inFlight, ms, cell.next, meter);
          cell.windows.push(result);
          return `${formatCount((result.turns / result.elapsedMs) * 1000)} turns/s`;
        },
      })),
    ),
    async finish() {
      const rows: ConcurrencyResult[] = [];
      for (const { target, windows } of cells) {
        const rates = windows.map((w) => (w.turns / w.elapsedMs) * 1000);
        const median = percentile(rates, 50);
        const closest =
          windows[
            rates.indexOf(
              rates.reduce((a, b) => (Math.abs(b - median) < Math.abs(a - median) ? b : a)),
            )
          ]!;
        const turns = windows.reduce((sum, w) => sum + w.turns, 0);
        rows.push({
          target: target.name,
          kind: target.kind,
          client: target.client ?? null,
          inFlight,
          turns,
          elapsedMs: windows.reduce((sum, w) => sum + w.elapsedMs, 0),
          turnsPerSecond: median,
          clientCpuMicros: windows.reduce((sum, w) => sum + w.cpuMicros, 0) / turns,
          traffic: closest.traffic,
        });
        await target.clear();
      }
      return rows;
    },
  };
}
