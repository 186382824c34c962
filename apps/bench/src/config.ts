import type { SamplePlan } from './sampling.js';
import type { DialogShape } from './shapes.js';

/** `quick`: the CI smoke run (about a minute); `full`: the figures of docs/benchmarks.md. */
export type BenchMode = 'quick' | 'full';

/** Messages of about 1 KB of JSON each, a misc of about 200 B: Chatsky's `default`, sized up. */
export const DEFAULT_SHAPE: DialogShape = { message: [10, 80], misc: [10, 10] };

/** One scenario: Chatsky's benchmark presets (`chatsky/utils/db_benchmark/basic_config.py`). */
export interface Scenario {
  /** Stable key in the results. */
  readonly key: string;
  /** What a reader sees. */
  readonly title: string;
  /** The Chatsky preset it follows. */
  readonly chatsky: string;
  readonly shape: DialogShape;
  /** Turns of each context at its first write. */
  readonly startTurns: number;
  /** Turns then added one by one (each a timed load and a timed turn). */
  readonly extraTurns: number;
  /** Contexts written (each one timed first write). */
  readonly contexts: number;
}

/** Sample counts and time budgets of one mode. */
export interface BenchConfig {
  readonly mode: BenchMode;
  readonly scenarios: readonly Scenario[];
  /** Dialog lengths of the per-turn sweep. */
  readonly lengths: readonly number[];
  /** Dialog lengths of the per-turn sweep on the SQL targets (PostgreSQL and PGlite). */
  readonly sqlLengths: readonly number[];
  /** Whether the scenarios run on the SQL backends too (their 10,000-turn dialogs take minutes). */
  readonly sqlScenarios: boolean;
  /** Rounds of the per-turn and concurrency measurements (see `rotatedRounds`). */
  readonly rounds: number;
  /** Per-turn sweep: samples per (target, length). */
  readonly perTurn: SamplePlan;
  /**
   * Loads and turns counted with the statement meter per SQL (target, length), fewer at 10,000
   * turns (Redis figures are counted over the timed turns themselves).
   */
  readonly trafficTurns: (length: number) => number;
  /** Dialogs in flight in the concurrency runs. */
  readonly inFlight: readonly number[];
  /** Duration of each concurrency run, ms. */
  readonly concurrencyMs: number;
  /** Contexts per worker in the concurrency runs (round robin, so they stay short). */
  readonly contextsPerWorker: number;
  /** Length of the dialogs of the concurrency runs. */
  readonly concurrencyTurns: number;
  /** Memory probe: contexts of `turns` turns, `count` of them. */
  readonly memory: readonly { turns: number; count: number }[];
}

const LARGE_MESSAGE = [3, 5, 6, 5, 3];
const LARGE_MISC = [2, 4, 3, 8, 100];

function scenarios(scale: (full: number, quick: number) => number): Scenario[] {
  return [
    {
      key: 'default',
      title: 'default (300 turns, ~1 KB messages, small misc)',
      chatsky: 'default',
      shape: DEFAULT_SHAPE,
      startTurns: 300,
      extraTurns: scale(10, 3),
      contexts: scale(30, 3),
    },
    {
      key: 'large-misc',
      title: 'large misc (~22 KB misc, ~5 KB messages, 1 to 50 turns)',
      chatsky: 'large-misc',
      shape: { message: LARGE_MESSAGE, misc: LARGE_MISC },
      startTurns: 1,
      extraTurns: scale(49, 5),
      contexts: scale(10, 2),
    },
    {
      key: 'long-dialog',
      title: 'long dialog (500 turns)',
      chatsky: 'large-misc--long-dialog / short-messages (500 turns)',
      shape: DEFAULT_SHAPE,
      startTurns: 500,
      extraTurns: scale(10, 3),
      contexts: scale(10, 2),
    },
    {
      key: 'very-long-dialog',
      title: 'very long dialog (10,000 turns)',
      chatsky: 'very-long-dialog-len',
      shape: DEFAULT_SHAPE,
      startTurns: 10_000,
      extraTurns: scale(5, 2),
      contexts: scale(5, 1),
    },
    {
      key: 'very-long-messages',
      title: 'very long messages (~120 KB each, 1 to 3 turns)',
      chatsky: 'very-long-message-len',
      shape: { message: [10_000, 1], misc: [10, 10] },
      startTurns: 1,
      extraTurns: 2,
      contexts: scale(10, 2),
    },
  ];
}

/** The configuration of a mode. */
export function benchConfig(mode: BenchMode): BenchConfig {
  const full = mode === 'full';
  const scale = (fullValue: number, quickValue: number) => (full ? fullValue : quickValue);
  return {
    mode,
    scenarios: scenarios(scale),
    lengths: [10, 100, 1_000, 10_000],
    // The quick run keeps the SQL targets short: seeding PGlite with a 10,000-turn dialog alone
    // takes ~10 s here, and a whole-context JSONB turn at that length ~1 s.
    sqlLengths: full ? [10, 100, 1_000, 10_000] : [10, 1_000],
    sqlScenarios: full,
    rounds: full ? 3 : 1,
    perTurn: full
      ? { warmup: 300, min: 9, max: 600, budgetMs: 4_500 }
      : { warmup: 3, min: 3, max: 30, budgetMs: 150 },
    trafficTurns: (length) => (full ? (length >= 10_000 ? 3 : 10) : 2),
    inFlight: [1, 64],
    concurrencyMs: scale(3_000, 300),
    contextsPerWorker: scale(8, 2),
    concurrencyTurns: 10,
    memory: full
      ? [
          { turns: 10, count: 2_000 },
          { turns: 100, count: 300 },
        ]
      : [
          { turns: 10, count: 200 },
          { turns: 100, count: 30 },
        ],
  };
}
