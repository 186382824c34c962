import type { BenchResults, PerTurnResult } from '../results.js';
import { type ChartSeries, renderLogLogChart } from './chart.js';
import { formatBytes, formatCount, formatMs, formatRatio, markdownTable } from './format.js';

/** Rows of the per-turn sweep grouped by target, in the order they were measured. */
function byTarget(results: Pick<BenchResults, 'perTurn'>): Map<string, PerTurnResult[]> {
  const out = new Map<string, PerTurnResult[]>();
  for (const row of results.perTurn) {
    const rows = out.get(row.target) ?? [];
    rows.push(row);
    out.set(row.target, rows);
  }
  return out;
}

function lengthsOf(results: Pick<BenchResults, 'perTurn'>): number[] {
  return [...new Set(results.perTurn.map((row) => row.length))].sort((a, b) => a - b);
}

/**
 * The chart of per-turn p50 against dialog length (both axes logarithmic): one line per backend,
 * dashed lines for the whole-context and raw-client baselines.
 */
export function renderPerTurnChart(results: Pick<BenchResults, 'perTurn'>): string {
  const series: ChartSeries[] = [...byTarget(results)].map(([name, rows]) => ({
    name,
    points: rows.map((row) => ({ x: row.length, y: row.turn.p50 })),
    dashed: rows[0]!.kind !== 'adapter',
  }));
  return renderLogLogChart(series, {
    title: 'Cost of one turn (load + add a turn + save), p50',
    x: 'dialog length (turns)',
    y: 'per-turn cost',
    formatY: (value) => `${value.toLocaleString('en-US', { maximumSignificantDigits: 3 })} ms`,
  });
}

/** Markdown table: per target, p50 and p99 per turn at each dialog length. */
export function perTurnTable(results: Pick<BenchResults, 'perTurn'>): string {
  const lengths = lengthsOf(results);
  const rows = [...byTarget(results)].map(([name, rows]) => [
    name,
    ...lengths.map((length) => {
      const row = rows.find((candidate) => candidate.length === length);
      return row === undefined ? '' : `${formatMs(row.turn.p50)} / ${formatMs(row.turn.p99)}`;
    }),
  ]);
  return markdownTable(
    ['target', ...lengths.map((length) => `${formatCount(length)} turns: p50 / p99`)],
    rows,
  );
}

const micros = (value: number | undefined) =>
  value === undefined ? '' : `${formatCount(value, value < 10 ? 1 : 0)} µs`;

/**
 * Markdown table: one row per target and dialog length, in the order measured: p50, p99,
 * p99 / p50, Node CPU, Redis CPU and Redis server time per turn (empty where not measured: Redis
 * columns of targets without Redis, the CPU columns of results written before them).
 */
export function costTable(results: Pick<BenchResults, 'perTurn'>): string {
  const rows = [...byTarget(results)].flatMap(([name, rows]) =>
    rows.map((row) => [
      name,
      formatCount(row.length),
      formatMs(row.turn.p50),
      formatMs(row.turn.p99),
      formatRatio(row.p99OverP50 ?? row.turn.p99 / row.turn.p50),
      micros(row.nodeCpuMicros),
      micros(row.traffic?.cpuMicros),
      micros(row.traffic?.serverMicros),
    ]),
  );
  return markdownTable(
    [
      'target',
      'turns',
      'p50',
      'p99',
      'p99 / p50',
      'Node CPU per turn',
      'Redis CPU per turn',
      'Redis server time per turn',
    ],
    rows,
  );
}

/** Markdown table: per Redis target, commands and bytes per turn at each dialog length. */
export function trafficTable(results: Pick<BenchResults, 'perTurn'>): string {
  const lengths = lengthsOf(results);
  const rows = [...byTarget(results)]
    .filter(([, rows]) => rows.some((row) => row.traffic !== null))
    .map(([name, rows]) => [
      name,
      ...lengths.map((length) => {
        const traffic = rows.find((row) => row.length === length)?.traffic;
        if (traffic == null) return '';
        const lua =
          traffic.luaCommands > 0 ? ` (+${formatCount(traffic.luaCommands, 1)} in Lua)` : '';
        return `${formatCount(traffic.clientCommands, 1)}${lua}; ${formatBytes(traffic.bytesIn)} in, ${formatBytes(traffic.bytesOut)} out`;
      }),
    ]);
  return markdownTable(
    ['target', ...lengths.map((length) => `${formatCount(length)} turns`)],
    rows,
  );
}

/**
 * Markdown table: per SQL target, statements per load + per save at each dialog length and the
 * server's execution time per turn (pg_stat_statements; PGlite has no server to ask); then, per
 * target, the statements of a turn at its longest length and where they were counted.
 */
export function statementsTable(results: Pick<BenchResults, 'perTurn'>): string {
  const lengths = lengthsOf(results);
  const sql = [...byTarget(results)].filter(([, rows]) => rows.some((row) => row.statements));
  const rows = sql.map(([name, rows]) => [
    name,
    ...lengths.map((length) => {
      const counted = rows.find((row) => row.length === length)?.statements;
      if (counted == null) return '';
      const server =
        counted.serverMicros === null
          ? ''
          : `; ${formatMs(counted.serverMicros / 1000)} on the server`;
      return `${formatCount(counted.perLoad, 2)} + ${formatCount(counted.perSave, 2)}${server}`;
    }),
  ]);
  const lists = sql.map(([name, rows]) => {
    const counted = rows.at(-1)!.statements!;
    const calls = Object.entries(counted.statements)
      .map(([label, calls]) => `\`${label}\` ×${formatCount(calls, 2)}`)
      .join(', ');
    return `- **${name}** (${counted.source}, ${formatCount(rows.at(-1)!.length)} turns): ${calls}`;
  });
  return [
    markdownTable(
      ['target', ...lengths.map((length) => `${formatCount(length)} turns: load + save`)],
      rows,
    ),
    '',
    'Statements of one turn:',
    '',
    ...lists,
  ].join('\n');
}
