import type { Timing } from './sampling.js';
import type { ScriptFloorResult } from './script-floor.js';
import type { TurnStatements } from './statements.js';
import type { ClientName, TargetKind } from './targets/target.js';
import type { TurnTraffic } from './traffic.js';

/** The machine a run measured. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  redis: string;
  /** The PostgreSQL server's version (absent in results of runs before the Postgres rows). */
  postgres?: string;
  /** The version of the PGlite package. */
  pglite?: string;
  os: string;
  /**
   * The 1-minute load average at the start and the end of the run (absent in older results):
   * above the core count, other processes competed with the bench, its Redis and PostgreSQL.
   */
  loadAverage?: { start: number; end?: number };
}

/** A scenario as run, with the sizes of its values. */
export interface ScenarioInfo {
  key: string;
  title: string;
  chatsky: string;
  startTurns: number;
  extraTurns: number;
  contexts: number;
  /** JSON bytes of one request (responses are the same size). */
  messageBytes: number;
  /** JSON bytes of the context's misc. */
  miscBytes: number;
  /** JSON bytes of a whole context at its first write. */
  contextBytes: number;
}

/** One scenario on one backend. */
export interface ScenarioResult {
  scenario: string;
  backend: string;
  /** Saving a new context of `startTurns` turns (`setItem`). */
  firstWrite: Timing;
  /** `getItem`: main info and the latest 3 turns. */
  load: Timing;
  /** Load, add a turn, save. */
  turn: Timing;
}

/** Per-turn cost of one target at one dialog length. */
export interface PerTurnResult {
  target: string;
  kind: TargetKind;
  client: ClientName | null;
  length: number;
  turn: Timing;
  /** `turn.p99 / turn.p50`, one turn in flight (absent in older results). */
  p99OverP50?: number;
  /** CPU time (user + system) of the bench process per timed turn, µs (absent in older results). */
  nodeCpuMicros?: number;
  /**
   * Counted on the bench's Redis over the timed turns (absent for memory and the Keyv Map store):
   * commands, bytes, server time (`serverMicros`) and the server's CPU (`cpuMicros`) per turn.
   */
  traffic: TurnTraffic | null;
  /** SQL statements per turn (PostgreSQL and PGlite targets only; absent in older results). */
  statements?: TurnStatements | null;
}

/** Throughput of one target with `inFlight` dialogs in flight. */
export interface ConcurrencyResult {
  target: string;
  kind: TargetKind;
  client: ClientName | null;
  inFlight: number;
  turns: number;
  elapsedMs: number;
  turnsPerSecond: number;
  /** CPU time (user + system) of the bench process per turn, µs. */
  clientCpuMicros: number;
  /** Counted on the bench's Redis during the run (absent for memory and the Keyv Map store). */
  traffic: TurnTraffic | null;
}

/** Heap held per context by the memory adapter. */
export interface MemoryResult {
  turns: number;
  contexts: number;
  bytesPerContext: number;
  /** JSON bytes of what one context stores (misc, frameworkData, every item). */
  payloadBytesPerContext: number;
}

/** One of the targets, against the figures of the run. */
export interface TargetCheck {
  id:
    | 'redis-cpu'
    | 'server-time'
    | 'short-dialogs'
    | 'flat-cost'
    | 'library-overhead'
    | 'tail'
    | 'concurrency'
    | 'keyv-speedup'
    | 'statements';
  client: ClientName;
  /** The goal, in words. */
  goal: string;
  /** The measured figure: a ratio, or with `unit` µs a time. */
  ratio: number;
  threshold: number;
  /** What `ratio` and `threshold` are in: `x` (a ratio, the default) or `µs`. */
  unit?: 'x' | 'µs';
  /** How `ratio` must compare with `threshold`. */
  comparison: '<=' | '>=';
  met: boolean;
  /** The figures the ratio comes from, in words. */
  figures: string;
}

/** Everything a run measured: what `results/<mode>.json` holds. */
export interface BenchResults {
  mode: 'quick' | 'full';
  /** What the run measured, as `--label` named it (`layout v1`); absent when not named. */
  label?: string;
  /** `redis`: only the backends on Redis and their baselines were measured (`--only redis`). */
  only?: 'redis';
  startedAt: string;
  durationMs: number;
  machine: Machine;
  /** The servers the run started (stopped when it ended), with their directories. */
  servers: { kind?: 'redis' | 'postgres'; pid: number; port: number; dir?: string }[];
  /** Temporary directories the run made and removed at its end (the PGlite data directory). */
  directories?: string[];
  backends: string[];
  scenarios: ScenarioInfo[];
  scenarioResults: ScenarioResult[];
  perTurn: PerTurnResult[];
  concurrency: ConcurrencyResult[];
  memory: MemoryResult[];
  /** The least a save sent as a script costs Redis here (absent in older results). */
  scriptFloor?: ScriptFloorResult;
  targets: TargetCheck[];
}
