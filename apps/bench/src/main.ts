#!/usr/bin/env node
// `pnpm bench [--quick] [--out DIR]`: runs the benchmarks against a Redis and a PostgreSQL server
// of its own and writes the results (see run.ts). Ctrl-C stops the servers it started and removes
// its PGlite directory before exiting.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { BenchResults } from './results.js';
import { outputPaths, runBench, type Stoppable, writeOutputs } from './run.js';

const USAGE = `usage: node dist/main.js [--quick] [--only redis] [--out DIR] [--label TEXT] [--render RESULTS.json]

  --quick           the smoke run (about a minute): few samples; never touches docs/
  --only redis      measure only the backends on Redis and their baselines (a few minutes)
  --label TEXT      name what the run measures (\`layout v1\`) in its results and page
  --out DIR         write <mode>.json, <mode>.md and <mode>-per-turn.svg into DIR
                    (default: full -> apps/bench/results/full.json, docs/benchmarks.md,
                     docs/benchmarks/per-turn.svg; quick -> apps/bench/results/quick.*)
  --render FILE     measure nothing: write the Markdown page and chart again from the
                    results of an earlier run (to the same places as that run's mode)
`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    label: { type: 'string' },
    only: { type: 'string' },
    render: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

if (values.only !== undefined && values.only !== 'redis') {
  process.stderr.write(`--only ${values.only}: only \`--only redis\` is known\n${USAGE}`);
  process.exit(2);
}

if (values.render !== undefined) {
  const results = JSON.parse(await readFile(values.render, 'utf8')) as BenchResults;
  await writeOutputs(results, outputPaths(results.mode, values.out));
  process.exit(0);
}

// Stopped last first: the storages (their clients leave the servers cleanly), then the PGlite
// directory and the servers.
const servers: Stoppable[] = [];
let stopping: Promise<void> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers of the bench\n`);
    stopping = (async () => {
      for (const server of [...servers].reverse()) await server.stop().catch(() => undefined);
    })();
    void stopping.then(() => process.exit(130));
  });
}

try {
  await runBench({
    mode: values.quick ? 'quick' : 'full',
    outDir: values.out,
    label: values.label,
    only: values.only === 'redis' ? 'redis' : undefined,
    onServer: (server) => servers.push(server),
  });
  // Clients may keep sockets open a moment after closing; nothing else is left to do.
  process.exit(0);
} catch (error) {
  // A step cut short by a signal (its storage closed): the signal's stops finish the run.
  if (stopping !== undefined) await stopping.then(() => process.exit(130));
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
