import { type BenchConfig, DEFAULT_SHAPE } from './config.js';
import type { RedisMeter } from './redis-meter.js';
import { formatCount, formatMs } from './report/format.js';
import type { PerTurnResult } from './results.js';
import { type RoundedPhase, rotatedRounds } from './rounds.js';
import { type SamplePlan, sample, summarize } from './sampling.js';
import { settle } from './settle.js';
import { countStatements } from './statements.js';
import type { TurnTarget } from './targets/target.js';
import {
  addCounters,
  emptyCounters,
  type LoadsAlone,
  perTurnTraffic,
  type RedisCounters,
} from './traffic.js';

/** One target's dialogs at one length and the samples taken so far. */
interface Cell {
  target: TurnTarget;
  length: number;
  /** Runs the next turn, round robin over the cell's dialogs. */
  turn: () => Promise<void>;
  /** The cell's dialog ids. */
  ids: string[];
  timings: number[];
  /** CPU time of this process over the timed turns, µs. */
  nodeCpuMicros: number;
  /** What the server counted over the timed turns (Redis targets only). */
  redis: RedisCounters | null;
}

/**
 * The per-turn sweep over every dialog length at once: `seed` builds dialogs of the default shape
 * to each length on every target (untimed), enough of them that none grows by more than a tenth
 * of its length; each round samples every (target, length) cell after a full GC, the cells of one
 * target next to each other and each adapter next to its raw baseline, so that the ratios the
 * targets use compare figures taken a few seconds apart (this machine's speed drifts by tens of
 * percent over minutes); the samples of all rounds are pooled. Around the timed turns of each
 * round (after its warm-up), `meter` counts a Redis cell's server CPU, server time, commands and
 * bytes, and `process.cpuUsage` this process's CPU: the figures per turn divide their sums over
 * the rounds by the timed turns. `finish` counts per SQL cell a few loads and turns with the
 * target's statement meter, clears every target and resolves the results (a failed step leaves
 * the data for the server's end).
 */
export function lengthSweep(
  targets: readonly TurnTarget[],
  lengths: (target: TurnTarget) => readonly number[],
  config: BenchConfig,
  meter: RedisMeter,
): RoundedPhase<PerTurnResult> {
  const plan = config.perTurn;
  const cells: Cell[] = targets.flatMap((target) =>
    lengths(target).map((length) => {
      const turnsPerDialog = Math.max(1, Math.floor(length / 10));
      const dialogs = Math.ceil((plan.max + plan.warmup) / turnsPerDialog);
      const ids = Array.from({ length: dialogs }, (_, index) => `len${length}-${index}`);
      let next = 0;
      return {
        target,
        length,
        ids,
        turn: () => target.turn(ids[next++ % dialogs]!, DEFAULT_SHAPE),
        timings: [],
        nodeCpuMicros: 0,
        redis: target.usesRedis ? emptyCounters() : null,
      };
    }),
  );
  const { rounds: count } = config;
  const roundPlan: SamplePlan = {
    warmup: Math.ceil(plan.warmup / count),
    min: Math.ceil(plan.min / count),
    max: Math.ceil(plan.max / count),
    budgetMs: plan.budgetMs / count,
  };
  const rounds = rotatedRounds(cells, count).map((round, index) =>
    round.map((cell) => ({
      label: `${formatCount(cell.length)} turns · ${cell.target.name} · round ${index + 1}/${count}`,
      run: async () => {
        settle();
        let cpu: NodeJS.CpuUsage | undefined;
        const timings = await sample(roundPlan, cell.turn, async () => {
          if (cell.redis) await meter.start();
          cpu = process.cpuUsage();
        });
        const used = process.cpuUsage(cpu);
        cell.nodeCpuMicros += used.user + used.system;
        if (cell.redis) cell.redis = addCounters(cell.redis, await meter.stop());
        cell.timings.push(...timings);
        return `p50 so far ${formatMs(summarize(cell.timings).p50)} (n=${cell.timings.length})`;
      },
    })),
  );
  return {
    async seed() {
      for (const { target, length, ids } of cells) await target.seed(ids, DEFAULT_SHAPE, length);
    },
    rounds,
    async finish() {
      const results: PerTurnResult[] = [];
      for (const { target, length, ids, turn, timings, nodeCpuMicros, redis } of cells) {
        const turnTiming = summarize(timings);
        let loaded = 0;
        const statements = target.statements
          ? await countStatements(
              target.statements,
              config.trafficTurns(length),
              () => ids[loaded++ % ids.length]!,
              turn,
            )
          : null;
        // The loads alone, on a quiet server, to split plain commands from scripts' (traffic.ts).
        let alone: LoadsAlone | undefined;
        if (redis && target.load) {
          const loads = Math.min(200, Math.max(20, timings.length));
          await meter.start();
          for (let index = 0; index < loads; index++) await target.load(ids[index % ids.length]!);
          alone = { counters: await meter.stop(), loads };
        }
        results.push({
          target: target.name,
          kind: target.kind,
          client: target.client ?? null,
          length,
          turn: turnTiming,
          p99OverP50: turnTiming.p99 / turnTiming.p50,
          nodeCpuMicros: nodeCpuMicros / timings.length,
          traffic: redis && perTurnTraffic(redis, timings.length, alone),
          statements,
        });
      }
      for (const target of targets) await target.clear();
      return results;
    },
  };
}
