import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedisServer, startStandalone } from '@context-storage/redis-test-servers';
import {
  BACKEND_NAMES,
  type Backend,
  closeBackends,
  openBackends,
  turnTargets,
} from './backends.js';
import { concurrencyPhase } from './concurrency.js';
import { type BenchConfig, type BenchMode, benchConfig } from './config.js';
import { lengthSweep } from './length-sweep.js';
import { describeMachine, loadAverageNow } from './machine.js';
import { measureMemory } from './memory.js';
import { openPgliteBackend } from './postgres-backends.js';
import { type BenchPostgres, startBenchPostgres } from './postgres-server.js';
import { Progress } from './progress.js';
import { RedisMeter } from './redis-meter.js';
import { formatBytes, formatCount, formatMs } from './report/format.js';
import { renderMarkdown } from './report/markdown.js';
import { renderPerTurnChart } from './report/per-turn.js';
import { evaluatePostgresTargets } from './report/postgres-targets.js';
import { evaluateTargets } from './report/targets.js';
import type { BenchResults } from './results.js';
import type { RoundedPhase } from './rounds.js';
import { runScenario, scenarioInfo } from './scenarios.js';
import { measureScriptFloor } from './script-floor.js';

/** Options of {@link runBench}. */
export interface RunOptions {
  mode: BenchMode;
  /** Names what the run measures in its results and page (`layout v1`). */
  label?: string | undefined;
  /**
   * `redis`: measure only the backends on Redis (ioredis, node-redis, keyv-redis) and their
   * baselines, no memory probe: the layout's figures in a few minutes. Default: everything.
   */
  only?: 'redis' | undefined;
  /** Where to write `<mode>.json`, `<mode>.md` and `<mode>-per-turn.svg`. Default: see {@link outputPaths}. */
  outDir?: string | undefined;
  /**
   * Told of every server and temporary directory as soon as it exists, then of the open storages,
   * so that a signal can stop them, last first (`stop()` closes the storages, removes the
   * directory or stops a server by pid).
   */
  onServer?: (server: Stoppable) => void;
  /** Progress display. Default: on stderr. */
  progress?: (total: number) => Progress;
}

/** A server or temporary directory of a run. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** The files a run writes. */
export interface OutputPaths {
  json: string;
  markdown: string;
  chart: string;
}

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_DIR = resolve(BENCH_DIR, '..', '..');

/**
 * Where a run writes: with `outDir`, `<outDir>/<mode>.json`, `.md` and `-per-turn.svg`; the full
 * run by default `apps/bench/results/full.json`, `docs/benchmarks.md` and
 * `docs/benchmarks/per-turn.svg`; the quick run by default `apps/bench/results/quick.*` (never
 * the docs).
 */
export function outputPaths(mode: BenchMode, outDir?: string): OutputPaths {
  if (outDir === undefined && mode === 'full') {
    return {
      json: join(BENCH_DIR, 'results', 'full.json'),
      markdown: join(REPO_DIR, 'docs', 'benchmarks.md'),
      chart: join(REPO_DIR, 'docs', 'benchmarks', 'per-turn.svg'),
    };
  }
  const dir = resolve(outDir ?? join(BENCH_DIR, 'results'));
  return {
    json: join(dir, `${mode}.json`),
    markdown: join(dir, `${mode}.md`),
    chart: join(dir, `${mode}-per-turn.svg`),
  };
}

/** One step of a run: a label for the progress display, and what it measures. */
interface Step {
  label: string;
  run: () => Promise<string>;
}

function plan(
  config: BenchConfig,
  backends: Backend[],
  meter: RedisMeter,
  results: BenchResults,
): Step[] {
  const steps: Step[] = [];
  const scenarioBackends = backends.filter(
    (backend) => config.sqlScenarios || backend.meter === undefined,
  );
  for (const scenario of config.scenarios) {
    for (const backend of scenarioBackends) {
      steps.push({
        label: `scenario ${scenario.key} · ${backend.name}`,
        run: async () => {
          const row = await runScenario(scenario, backend);
          results.scenarioResults.push(row);
          return `turn p50 ${formatMs(row.turn.p50)}, first write p50 ${formatMs(row.firstWrite.p50)}`;
        },
      });
    }
  }
  const targets = turnTargets(backends);
  const swept = [...targets.adapters, ...targets.baselines];
  // Each adapter next to its baselines (same client, or same server), so that their rounds are
  // close in time.
  const rank = (target: (typeof swept)[number]) =>
    BACKEND_NAMES.indexOf((target.beside ?? target.client) as (typeof BACKEND_NAMES)[number]);
  const ordered = [...swept].sort((a, b) => rank(a) - rank(b));
  steps.push(
    ...phaseSteps(
      'per turn',
      lengthSweep(
        ordered,
        (target) => (target.statements === undefined ? config.lengths : config.sqlLengths),
        config,
        meter,
      ),
      results.perTurn,
    ),
  );
  const all = [...swept, ...targets.setGet];
  for (const inFlight of config.inFlight) {
    const phase = concurrencyPhase(all, inFlight, config, meter);
    steps.push(...phaseSteps(`concurrency · ${inFlight} in flight`, phase, results.concurrency));
  }
  const floorClient = backends.find((backend) => backend.raw !== undefined)?.raw;
  if (floorClient !== undefined) {
    steps.push({
      label: 'script floor · HSET, a script of one HSET, an empty script',
      run: async () => {
        results.scriptFloor = await measureScriptFloor(floorClient, meter, 'bench-script-floor');
        const { plainHsetMicros, hsetScriptMicros, emptyScriptMicros } = results.scriptFloor;
        return `${formatCount(plainHsetMicros, 1)} / ${formatCount(hsetScriptMicros, 1)} / ${formatCount(emptyScriptMicros, 1)} µs`;
      },
    });
  }
  for (const { turns, count } of config.memory) {
    steps.push({
      label: `memory · ${formatCount(count)} contexts of ${turns} turns`,
      run: async () => {
        const row = await measureMemory(turns, count);
        results.memory.push(row);
        return `${formatBytes(row.bytesPerContext)} per context`;
      },
    });
  }
  return steps;
}

/** The steps of a measurement in rounds; its rows go to `into` when it finishes. */
function phaseSteps<Row>(title: string, phase: RoundedPhase<Row>, into: Row[]): Step[] {
  return [
    {
      label: `${title} · preparing`,
      run: async () => {
        await phase.seed();
        return 'ready';
      },
    },
    ...phase.rounds.flat().map((step) => ({ label: `${title} · ${step.label}`, run: step.run })),
    {
      label: `${title} · finishing (Redis traffic, SQL statements)`,
      run: async () => {
        into.push(...(await phase.finish()));
        return 'done';
      },
    },
  ];
}

/** The servers of a run and its PGlite directory with the pglite backend open in it. */
interface Sites {
  redis: RedisServer;
  postgres: BenchPostgres;
  pgliteDir: string;
  pglite: Backend;
}

/**
 * Starts a throwaway Redis and PostgreSQL server and opens the pglite backend in a new temporary
 * directory, all at once (PGlite's creation is an initdb in WASM, seconds of CPU, which runs
 * while the servers start); each server and the directory is given to `onServer` as soon as it
 * exists. When one fails, the others are stopped or removed again.
 */
async function startSites(onServer: (server: Stoppable) => void): Promise<Sites> {
  const started: Stoppable[] = [];
  const track = (server: Stoppable) => {
    started.push(server);
    onServer(server);
  };
  const parts = await Promise.allSettled([
    startStandalone().then((server) => {
      track(server);
      return server;
    }),
    startBenchPostgres(track),
    mkdtemp(join(tmpdir(), 'bench-pglite-')).then(async (dir) => {
      track({ stop: () => rm(dir, { recursive: true, force: true }) });
      const backend = await openPgliteBackend(dir);
      // Closed before its directory goes (the stops run in this order).
      started.unshift({ stop: () => backend.storage.close() });
      return { dir, backend };
    }),
  ]);
  const [redis, postgres, pglite] = parts;
  if (
    redis.status === 'fulfilled' &&
    postgres.status === 'fulfilled' &&
    pglite.status === 'fulfilled'
  ) {
    return {
      redis: redis.value,
      postgres: postgres.value,
      pgliteDir: pglite.value.dir,
      pglite: pglite.value.backend,
    };
  }
  for (const server of started) await server.stop().catch(() => undefined);
  throw parts.find((part) => part.status === 'rejected')!.reason;
}

/**
 * Runs every measurement of a mode on every backend against a throwaway Redis and PostgreSQL it
 * starts and a PGlite directory it makes (servers stopped by pid, the directory removed, also
 * when a step fails), then writes the JSON results, the Markdown page and the SVG chart.
 * Resolves the results and where they were written.
 *
 * @throws `MissingBinaryError` without redis-server, `MissingPostgresError` without PostgreSQL;
 *   whatever a step throws (servers stopped)
 */
export async function runBench(
  options: RunOptions,
): Promise<{ results: BenchResults; paths: OutputPaths }> {
  const config = benchConfig(options.mode);
  const started = Date.now();
  const {
    redis: server,
    postgres,
    pgliteDir,
    pglite,
  } = await startSites(options.onServer ?? (() => undefined));
  // The pglite backend is open already: closed at the end even if opening the others fails.
  let backends: Backend[] = [pglite];
  let meter: RedisMeter | undefined;
  try {
    const results: BenchResults = {
      mode: options.mode,
      ...(options.label === undefined ? {} : { label: options.label }),
      ...(options.only === undefined ? {} : { only: options.only }),
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      machine: await describeMachine(server, postgres),
      servers: [
        { kind: 'redis', pid: server.pid, port: server.port },
        { kind: 'postgres', pid: postgres.pid, port: postgres.port, dir: postgres.dir },
      ],
      directories: [pgliteDir],
      backends: [],
      scenarios: config.scenarios.map(scenarioInfo),
      scenarioResults: [],
      perTurn: [],
      concurrency: [],
      memory: [],
      targets: [],
    };
    backends = await openBackends(server.url, postgres, pglite);
    // On a signal, the storages close first, so that no client sees its server go away.
    options.onServer?.({ stop: () => closeBackends(backends) });
    const measured =
      options.only === 'redis' ? backends.filter((backend) => backend.usesRedis) : backends;
    results.backends = measured.map((backend) => backend.name);
    meter = await RedisMeter.open(server);
    const opened = meter;
    options.onServer?.({ stop: () => opened.close() });
    const steps = plan(
      options.only === 'redis' ? { ...config, memory: [] } : config,
      measured,
      meter,
      results,
    );
    const progress = options.progress?.(steps.length) ?? new Progress(steps.length);
    for (const step of steps) {
      progress.start(step.label);
      progress.done(await step.run());
    }
    results.targets = [
      ...evaluateTargets(results, ['ioredis', 'node-redis']),
      ...evaluatePostgresTargets(results),
    ];
    results.durationMs = Date.now() - started;
    if (results.machine.loadAverage) results.machine.loadAverage.end = loadAverageNow();
    const paths = outputPaths(options.mode, options.outDir);
    await writeOutputs(results, paths);
    progress.note(`wrote ${paths.json}, ${paths.markdown} and ${paths.chart}`);
    return { results, paths };
  } finally {
    await meter?.close();
    await closeBackends(backends);
    await Promise.allSettled([
      server.stop(),
      postgres.stop(),
      rm(pgliteDir, { recursive: true, force: true }),
    ]);
  }
}

/**
 * Writes a run's files: the results as JSON, the per-turn chart as SVG and the Markdown page that
 * links to it. Creates the directories.
 */
export async function writeOutputs(results: BenchResults, paths: OutputPaths): Promise<void> {
  for (const file of Object.values(paths)) await mkdir(dirname(file), { recursive: true });
  const chartHref = relative(dirname(paths.markdown), paths.chart).split('\\').join('/');
  await writeFile(paths.json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(paths.chart, renderPerTurnChart(results));
  await writeFile(paths.markdown, renderMarkdown(results, { chartHref }));
}
