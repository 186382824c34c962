import { mkdir, writeFile } from 'node:fs/promises';
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
import { describeMachine } from './machine.js';
import { measureMemory } from './memory.js';
import { Progress } from './progress.js';
import { formatBytes, formatCount, formatMs } from './report/format.js';
import { renderMarkdown } from './report/markdown.js';
import { renderPerTurnChart } from './report/per-turn.js';
import { evaluateTargets } from './report/targets.js';
import type { BenchResults } from './results.js';
import type { RoundedPhase } from './rounds.js';
import { runScenario, scenarioInfo } from './scenarios.js';

/** Options of {@link runBench}. */
export interface RunOptions {
  mode: BenchMode;
  /** Where to write `<mode>.json`, `<mode>.md` and `<mode>-per-turn.svg`. Default: see {@link outputPaths}. */
  outDir?: string | undefined;
  /** Told of every Redis server as soon as it started (to stop it on a signal). */
  onServer?: (server: RedisServer) => void;
  /** Progress display. Default: on stderr. */
  progress?: (total: number) => Progress;
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
  server: RedisServer,
  results: BenchResults,
): Step[] {
  const steps: Step[] = [];
  for (const scenario of config.scenarios) {
    for (const backend of backends) {
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
  // Each Redis adapter next to its baselines (same client), so that their rounds are close in time.
  const byClient = (target: (typeof swept)[number]) =>
    target.client === undefined ? -1 : BACKEND_NAMES.indexOf(target.client);
  const ordered = [...swept].sort((a, b) => byClient(a) - byClient(b));
  steps.push(
    ...phaseSteps(
      'per turn',
      lengthSweep(ordered, config.lengths, config, server),
      results.perTurn,
    ),
  );
  const all = [...swept, ...targets.setGet];
  for (const inFlight of config.inFlight) {
    const phase = concurrencyPhase(all, inFlight, config, server);
    steps.push(...phaseSteps(`concurrency · ${inFlight} in flight`, phase, results.concurrency));
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
      label: `${title} · finishing (Redis traffic)`,
      run: async () => {
        into.push(...(await phase.finish()));
        return 'done';
      },
    },
  ];
}

/**
 * Runs every measurement of a mode on every backend against a throwaway Redis it starts (and
 * stops, by pid, also when a step fails), then writes the JSON results, the Markdown page and
 * the SVG chart. Resolves the results and where they were written.
 *
 * @throws `MissingBinaryError` without redis-server; whatever a step throws (servers stopped)
 */
export async function runBench(
  options: RunOptions,
): Promise<{ results: BenchResults; paths: OutputPaths }> {
  const config = benchConfig(options.mode);
  const started = Date.now();
  const server = await startStandalone();
  options.onServer?.(server);
  let backends: Backend[] = [];
  try {
    const results: BenchResults = {
      mode: options.mode,
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      machine: await describeMachine(server),
      servers: [{ pid: server.pid, port: server.port }],
      backends: [],
      scenarios: config.scenarios.map(scenarioInfo),
      scenarioResults: [],
      perTurn: [],
      concurrency: [],
      memory: [],
      targets: [],
    };
    backends = await openBackends(server.url);
    results.backends = backends.map((backend) => backend.name);
    const steps = plan(config, backends, server, results);
    const progress = options.progress?.(steps.length) ?? new Progress(steps.length);
    for (const step of steps) {
      progress.start(step.label);
      progress.done(await step.run());
    }
    results.targets = evaluateTargets(results, ['ioredis', 'node-redis']);
    results.durationMs = Date.now() - started;
    const paths = outputPaths(options.mode, options.outDir);
    await writeOutputs(results, paths);
    progress.note(`wrote ${paths.json}, ${paths.markdown} and ${paths.chart}`);
    return { results, paths };
  } finally {
    await closeBackends(backends);
    await server.stop();
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
