import type { RedisServer } from '@context-storage/redis-test-servers';
import { type BenchConfig, DEFAULT_SHAPE } from './config.js';
import { formatCount, formatMs } from './report/format.js';
import type { PerTurnResult } from './results.js';
import { type RoundedPhase, rotatedRounds } from './rounds.js';
import { type SamplePlan, sample, summarize } from './sampling.js';
import { settle } from './settle.js';
import { countStatements } from './statements.js';
import type { TurnTarget } from './targets/target.js';
import { countTraffic } from './traffic.js';

/** One target's dialogs at one length and the samples taken so far. */
interface Cell {
  target: TurnTarget;
  length: number;
  /** Runs the next turn, round robin over the cell's dialogs. */
  turn: () => Promise<void>;
  /** The cell's dialog ids. */
  ids: string[];
  timings: number[];
}

/**
 * The per-turn sweep over every dialog length at once: `seed` builds dialogs of the default shape
 * to each length on every target (untimed), enough of them that none grows by more than a tenth
 * of its length; each round samples every (target, length) cell after a full GC, the cells of one
 * target next to each other and each adapter next to its raw baseline, so that the ratios the
 * targets use compare figures taken a few seconds apart (this machine's speed drifts by tens of
 * percent over minutes); the samples of all rounds are pooled. `finish` counts a few more turns
 * per Redis cell with INFO, and per SQL cell a few loads and turns with the target's statement
 * meter, clears every target and resolves the results (a failed step leaves the data for the
 * server's end).
 */
export function lengthSweep(
  targets: readonly TurnTarget[],
  lengths: (target: TurnTarget) => readonly number[],
  config: BenchConfig,
  server: RedisServer,
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
        cell.timings.push(...(await sample(roundPlan, cell.turn)));
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
      for (const { target, length, ids, turn, timings } of cells) {
        const traffic = target.usesRedis
          ? await countTraffic(server, async () => {
              const turns = config.trafficTurns(length);
              for (let index = 0; index < turns; index++) await turn();
              return turns;
            })
          : null;
        let loaded = 0;
        const statements = target.statements
          ? await countStatements(
              target.statements,
              config.trafficTurns(length),
              () => ids[loaded++ % ids.length]!,
              turn,
            )
          : null;
        results.push({
          target: target.name,
          kind: target.kind,
          client: target.client ?? null,
          length,
          turn: summarize(timings),
          traffic,
          statements,
        });
      }
      for (const target of targets) await target.clear();
      return results;
    },
  };
}
