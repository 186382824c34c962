import { BACKEND_NAMES } from '../backends.js';
import type { BenchResults, TargetCheck } from '../results.js';
import {
  formatBytes,
  formatCount,
  formatMs,
  formatRatio,
  markdownTable,
  plural,
} from './format.js';
import { explainLimit } from './limits.js';
import { costTable, perTurnTable, statementsTable, trafficTable } from './per-turn.js';

const TARGET_TITLES = {
  'redis-cpu': 'Redis CPU per turn',
  'server-time': 'Redis server time per turn',
  'short-dialogs': 'Short dialogs as cheap as whole-context',
  tail: 'Tail latency',
  'flat-cost': 'Flat per-turn cost',
  'library-overhead': 'Library overhead',
  concurrency: 'Throughput at high concurrency',
  'keyv-speedup': 'Faster than Keyv on PostgreSQL',
  statements: 'Statements per load and save',
} as const;

/** A target's figure in its unit: `1.07x` or `37 µs`. */
function formatFigure(value: number, unit: TargetCheck['unit']): string {
  return unit === 'µs' ? `${formatCount(value, 1)} µs` : formatRatio(value);
}

function targetsSection(results: BenchResults): string {
  const rows = results.targets.map((check) => [
    TARGET_TITLES[check.id],
    check.client,
    check.goal,
    `${formatFigure(check.ratio, check.unit)} (goal ${check.comparison} ${formatFigure(check.threshold, check.unit)})`,
    check.met ? 'met' : '**not met**',
    check.figures,
  ]);
  const limits = results.targets.map(
    (check) => `- **${TARGET_TITLES[check.id]}, ${check.client}**: ${explainLimit(check, results)}`,
  );
  return [
    '## Targets',
    '',
    'Goals for the numbers, reported, never asserted by a timed test. Every ratio divides two figures of this same run, with the same client (Redis) or on the same server (PostgreSQL); the statement counts are counts, shown as a ratio to one.',
    '',
    markdownTable(['target', 'client', 'goal', 'measured', 'verdict', 'from'], rows),
    '',
    '### What limits them',
    '',
    ...limits,
  ].join('\n');
}

function machineSection(results: BenchResults): string {
  const { machine } = results;
  return [
    '## Machine',
    '',
    markdownTable(
      ['', ''],
      [
        ['CPU', machine.cpu],
        ['cores (logical)', String(machine.cores)],
        ['memory', `${machine.memoryGiB} GiB`],
        ['OS', machine.os],
        ['Node', machine.node],
        ['Redis', `${machine.redis} (standalone, loopback, started by the bench, no persistence)`],
        ...(machine.postgres === undefined
          ? []
          : [
              [
                'PostgreSQL',
                `${machine.postgres} (loopback, started by the bench, fsync off, pg_stat_statements)`,
              ],
            ]),
        ...(machine.pglite === undefined
          ? []
          : [['PGlite', `${machine.pglite} (in the bench process, on a temporary directory)`]]),
        ...(machine.loadAverage === undefined
          ? []
          : [
              [
                'load average (1 min)',
                `${machine.loadAverage.start} at the start, ${machine.loadAverage.end ?? '?'} at the end, on ${machine.cores} cores (above that, other processes competed for the CPUs)`,
              ],
            ]),
        [
          'run',
          `${results.mode}, ${results.startedAt}, ${formatCount(results.durationMs / 1000)} s`,
        ],
      ],
    ),
  ].join('\n');
}

const METHOD = [
  '## Method',
  '',
  '- **Backends**: memory (`MemoryContextStorage`), ioredis and node-redis (`IoRedisContextStorage` / `NodeRedisContextStorage` over the one Redis layout), Keyv over its Map store and over @keyv/redis; postgres (`PostgresContextStorage` from a `postgres://` URI, node-postgres pool of 10) and pglite (the same SQL layout on PGlite in a temporary directory, `pglite://<dir>`), and Keyv over @keyv/postgres (pool of 10) on the same server. Every storage has its defaults: JSON codec, the latest 3 items per field loaded, no TTL.',
  '- **A turn** is what a bot does per message: `getItem(id)`, `addTurn({ label, request, response })`, `setItem(id, context)`. Turn values are made before the clock starts.',
  '- **Baselines**, on the very client of each Redis adapter:',
  '  - *whole-context*: the older Chatsky/DFF design, the full context as one JSON string: GET, parse, add the turn, stringify, SET;',
  '  - *whole-context JSONB (pg)*: the same design on the PostgreSQL server, beside the postgres adapter (same database, a pool of 10 of its own): one row `(id text PRIMARY KEY, doc jsonb)` per context, a `SELECT doc`, the turn added in JS, an `INSERT ... ON CONFLICT (id) DO UPDATE` of the whole document;',
  '  - *raw layout commands*: the raw client sending exactly the commands the adapter sends (`HMGET` of the main fields and the recent slots, the load of the default windows 3 3 3, then `EVALSHA` of WRITE_CONTEXT with the same arguments), written by hand; it JSON-decodes what it loaded and JSON-encodes the new turn, nothing more;',
  "  - *raw SET+GET*: a plain GET and SET of one turn's payload (label, request and response JSON, ~2 KB): the least two round trips cost.",
  "- **Per-turn cost against dialog length**: dialogs are built to every length first (untimed), then turns are timed round robin over enough dialogs that none grows by more than a tenth of its length. All lengths are measured in the same rounds, each target's four lengths one after the other and each adapter next to its baselines, so that a ratio compares figures taken seconds apart: this machine's speed drifts by tens of percent from minute to minute (a plain SET+GET rate went from 31,000 to 50,000 pairs/s between two runs). Samples per cell: up to the count shown in the JSON (`turn.n`), within a time budget. Each of the 3 rounds of a target starts with up to 100 untimed turns (at most a quarter of its budget): a bot process runs its one adapter all day, while here nine targets take turns, and the adapter has more code to warm up than the raw loop.",
  "- **Scenarios** follow Chatsky's benchmark presets (`chatsky/utils/db_benchmark/basic_config.py`): each context is written once (timed first write, the whole dialog), then loaded and given a turn several times. Messages are nested dicts like Chatsky's `get_dict`.",
  '- **Concurrency**: N workers, each running turns one after another over dialogs of its own (10 turns, default shape), for a fixed time; turns per second.',
  "- **Redis traffic, Redis CPU and Redis server time** are counted over the very turns that are timed, never the seeding or the warm-up: in each round, after the warm-up, `INFO cpu` and `CONFIG RESETSTAT`, then the timed turns, then `INFO cpu stats commandstats`, on one connection of the bench's own kept open (its own bytes and calls are taken out; before resetting anything the bench checks that the server's `process_id` is the redis-server it started); sums over the rounds divided by the timed turns. *Redis CPU* is the delta of `used_cpu_sys + used_cpu_user` (the whole process: executing commands plus reading, parsing and writing on the sockets); *server time* the sum of `usec` over the commands the client sent (a script's `usec` includes the commands it ran); `usec` is wall-clock time around each command, so where other processes preempt Redis (a load average above the core count) it grows with the wait and can exceed the Redis CPU time, the steadier figure of the two. Bytes are `total_net_input_bytes` (to Redis) and `total_net_output_bytes` (from Redis) per turn. `INFO commandstats` **does count the commands a Lua script runs** inside Redis: they are shown apart (\"in Lua\"), and cost no round trip. *Node CPU* is `process.cpuUsage()` (user + system) over the same timed turns.",
  "- **SQL statements**: after the timed rounds, a few loads alone, then as many turns, are counted per dialog length; per save is per turn less per load. On the server with `pg_stat_statements` (reset before, read after, from another database; top-level statements only: what the client sent, not what the layout's functions run inside), which also gives the server's execution time; on PGlite with a counting wrapper of the adapter's query interface (`SqlClient`).",
  '- **Memory per context** (memory adapter): a child `node --expose-gc` stores many contexts, heap used plus external memory after full GCs, before and after.',
  '- **p50 / p99**: linear interpolation between closest ranks; with fewer than 100 samples p99 lies near the maximum.',
].join('\n');

function scenariosSection(results: BenchResults): string {
  const parts = ['## Scenarios', ''];
  for (const info of results.scenarios) {
    parts.push(
      `### ${info.title}`,
      '',
      `Chatsky preset \`${info.chatsky}\`: ${plural(info.contexts, 'context')} written at ${plural(info.startTurns, 'turn')} (${formatBytes(info.contextBytes)} of JSON each), then ${formatCount(info.extraTurns)} loads and turns each. Request / response ${formatBytes(info.messageBytes)}, misc ${formatBytes(info.miscBytes)}.`,
      '',
    );
    const rows = results.scenarioResults
      .filter((row) => row.scenario === info.key)
      .map((row) => [
        row.backend,
        ...[row.firstWrite, row.load, row.turn].map(
          (timing) => `${formatMs(timing.p50)} / ${formatMs(timing.p99)}`,
        ),
      ]);
    parts.push(
      markdownTable(['backend', 'first write p50 / p99', 'load p50 / p99', 'turn p50 / p99'], rows),
      '',
    );
  }
  return parts.join('\n');
}

function concurrencySection(results: BenchResults): string {
  const flights = [...new Set(results.concurrency.map((row) => row.inFlight))].sort(
    (a, b) => a - b,
  );
  const most = flights.at(-1) ?? 0;
  const targets = [...new Set(results.concurrency.map((row) => row.target))];
  const find = (target: string, inFlight: number) =>
    results.concurrency.find((row) => row.target === target && row.inFlight === inFlight);
  const rows = targets.map((target) => {
    const busiest = find(target, most);
    return [
      target,
      ...flights.map((inFlight) =>
        formatCount(find(target, inFlight)?.turnsPerSecond ?? Number.NaN),
      ),
      busiest === undefined ? '' : `${formatCount(busiest.clientCpuMicros)} µs`,
      busiest?.traffic?.cpuMicros == null ? '' : `${formatCount(busiest.traffic.cpuMicros)} µs`,
      busiest?.traffic == null ? '' : `${formatCount(busiest.traffic.serverMicros)} µs`,
    ];
  });
  return [
    '## Concurrency',
    '',
    `Turns per second (dialogs of 10 turns; a SET+GET row counts pairs), and at ${most} in flight the CPU time per turn of the Node process driving them, of the Redis process (INFO cpu) and the time Redis spent executing the turn's commands (INFO commandstats \`usec\`, scripts included). Node and Redis share the machine's ${results.machine.cores} cores.`,
    '',
    markdownTable(
      [
        'target',
        ...flights.map((n) => `${n} in flight`),
        `Node CPU per turn (${most})`,
        `Redis CPU per turn (${most})`,
        `Redis time per turn (${most})`,
      ],
      rows,
    ),
  ].join('\n');
}

function memorySection(results: BenchResults): string {
  const rows = results.memory.map((row) => [
    formatCount(row.turns),
    formatCount(row.contexts),
    formatBytes(row.bytesPerContext),
    formatBytes(row.payloadBytesPerContext),
    formatRatio(row.bytesPerContext / row.payloadBytesPerContext),
  ]);
  return [
    '## Memory per context (memory adapter)',
    '',
    markdownTable(
      [
        'turns per context',
        'contexts',
        'heap per context',
        'JSON payload per context',
        'heap / payload',
      ],
      rows,
    ),
  ].join('\n');
}

/**
 * The benchmark page (docs/benchmarks.md) from one run's results: targets with verdicts and
 * what limits them, how to run, the machine, the method, the per-turn chart (`chartHref`) and
 * tables, scenarios, concurrency, Redis traffic and memory. Pure: same results, same text.
 */
export function renderMarkdown(results: BenchResults, options: { chartHref: string }): string {
  const quick =
    results.mode === 'quick'
      ? '\n> This is a **quick** run (the CI smoke test): few samples, rough figures. `pnpm bench` gives the real ones.\n'
      : '';
  const fullDuration =
    results.mode === 'full'
      ? `${Math.ceil(results.durationMs / 60_000)} minutes on the machine below`
      : 'several minutes';
  const only =
    results.only === 'redis'
      ? `, **Redis backends only** (\`--only redis\`): ${results.backends.join(', ')} and their baselines`
      : '';
  const label =
    results.label === undefined
      ? ''
      : `\n> Run labelled **${results.label}**, measured ${results.startedAt.slice(0, 10)} (${results.startedAt})${only}.\n`;
  return [
    '# Benchmarks',
    '',
    `The cost of one dialog turn in every backend (${(results.backends.length > 0 ? results.backends : BACKEND_NAMES).join(', ')}), against the dialog's length, against the whole-context design of the older Chatsky/DFF storages (on Redis and as a JSONB row on PostgreSQL) and against the raw Redis client sending the same commands. Generated by \`apps/bench\`; do not edit by hand.`,
    label,
    quick,
    targetsSection(results),
    '',
    '## How to run',
    '',
    '```sh',
    `npm run bench              # or pnpm bench: the full run (${fullDuration}); rewrites this page`,
    'npm run bench -- --quick   # the CI smoke run, about a minute; writes apps/bench/results/quick.*',
    'npm run bench -- --out DIR # write JSON, Markdown and SVG into DIR instead',
    '```',
    '',
    'It needs `redis-server` (Redis 7: `apt-get install -y redis-server`) and PostgreSQL (15 here: `apt-get install -y postgresql`), and starts its own throwaway servers on free loopback ports (PostgreSQL as the `postgres` user when run as root), stopped at the end, also on Ctrl-C, with its PGlite directory removed. Raw figures: `apps/bench/results/<mode>.json`.',
    '',
    machineSection(results),
    '',
    METHOD,
    '',
    '## Per-turn cost against dialog length',
    '',
    `![per-turn cost against dialog length](${options.chartHref})`,
    '',
    perTurnTable(results),
    '',
    '### CPU and server time per turn',
    '',
    "One turn in flight, over the timed turns: p99 / p50, CPU time of the Node process, CPU time of the Redis process (`used_cpu_sys + used_cpu_user`) and the time Redis spent executing the commands (commandstats `usec`, scripts included), per turn. The CPU figures are means over the timed turns and count every thread of the process (Node's garbage collector helpers too), so they can exceed the p50, a median of wall time.",
    '',
    costTable(results),
    '',
    '### Redis traffic per turn',
    '',
    'Commands the client sent (plus those run inside Lua), bytes to and from Redis, per turn.',
    '',
    trafficTable(results),
    '',
    ...(results.perTurn.some((row) => row.statements)
      ? [
          '### SQL statements per turn',
          '',
          'Statements per load + per save on PostgreSQL and PGlite, and the time the server spent executing those of one turn (`pg_stat_statements` `total_exec_time`).',
          '',
          statementsTable(results),
          '',
        ]
      : []),
    concurrencySection(results),
    '',
    scenariosSection(results),
    memorySection(results),
    '',
  ].join('\n');
}
