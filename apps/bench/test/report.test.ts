import { describe, expect, it } from 'vitest';
import { renderLogLogChart } from '../src/report/chart.js';
import { formatBytes, formatMs, markdownTable } from '../src/report/format.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { evaluateTargets } from '../src/report/targets.js';
import type { BenchResults, ConcurrencyResult, PerTurnResult } from '../src/results.js';
import type { ClientName, TargetKind } from '../src/targets/target.js';
import type { TurnTraffic } from '../src/traffic.js';

const timing = (p50: number, tail = 2) => ({ n: 10, p50, p99: p50 * tail, mean: p50 });

/** Redis figures per turn of one row: CPU and server time, µs. */
const redis = (cpuMicros: number, serverMicros: number): TurnTraffic => ({
  turns: 10,
  clientCommands: 2,
  luaCommands: 0,
  bytesIn: 1_000,
  bytesOut: 1_000,
  serverMicros,
  luaCommandMicros: 0,
  cpuMicros,
  commands: { evalsha: 2 },
});

function perTurn(
  target: string,
  kind: TargetKind,
  client: ClientName | null,
  costs: number[],
  extra: { tails?: number[]; cpu?: number[]; server?: number[] } = {},
) {
  return [10, 100, 1_000, 10_000].map((length, index): PerTurnResult => {
    const turn = timing(costs[index]!, extra.tails?.[index]);
    return {
      target,
      kind,
      client,
      length,
      turn,
      p99OverP50: turn.p99 / turn.p50,
      nodeCpuMicros: 100,
      traffic: extra.cpu ? redis(extra.cpu[index]!, extra.server![index]!) : null,
    };
  });
}

function flight(target: string, kind: TargetKind, rates: [number, number]): ConcurrencyResult[] {
  return [1, 64].map((inFlight, index) => ({
    target,
    kind,
    client: 'ioredis',
    inFlight,
    turns: 100,
    elapsedMs: 1_000,
    turnsPerSecond: rates[index]!,
    clientCpuMicros: 100,
    traffic: null,
  }));
}

const figures = {
  perTurn: [
    ...perTurn('ioredis', 'adapter', 'ioredis', [0.3, 0.31, 0.32, 0.33], {
      tails: [2, 2.5, 4, 2],
      cpu: [40, 42, 47, 45],
      server: [30, 31, 35, 33],
    }),
    ...perTurn('whole-context (ioredis)', 'whole-context', 'ioredis', [0.2, 1, 10, 100], {
      cpu: [20, 100, 1_000, 10_000],
      server: [2, 10, 100, 1_000],
    }),
    ...perTurn('raw layout commands (ioredis)', 'raw-layout', 'ioredis', [0.2, 0.2, 0.2, 0.2], {
      tails: [3.5, 2, 2, 2],
      cpu: [40, 40, 40, 40],
      server: [30, 30, 30, 30],
    }),
  ],
  concurrency: [
    ...flight('ioredis', 'adapter', [3_000, 6_000]),
    ...flight('whole-context (ioredis)', 'whole-context', [4_000, 5_000]),
    ...flight('raw layout commands (ioredis)', 'raw-layout', [5_000, 12_000]),
    ...flight('raw SET+GET (ioredis)', 'raw-set-get', [10_000, 10_000]),
  ],
};

describe('evaluateTargets', () => {
  const checks = evaluateTargets(figures, ['ioredis']);
  const byId = (id: string) => checks.find((found) => found.id === id)!;

  it('gives the issue’s targets per client, in order', () => {
    expect(checks.map((found) => found.id)).toEqual([
      'redis-cpu',
      'server-time',
      'short-dialogs',
      'flat-cost',
      'library-overhead',
      'tail',
      'concurrency',
    ]);
  });

  it('compares Redis CPU at every length with the whole-context design at the shortest', () => {
    // The worst length: 47 µs at 1,000 turns against 20 µs.
    expect(byId('redis-cpu')).toMatchObject({ met: false, threshold: 1, comparison: '<=' });
    expect(byId('redis-cpu').ratio).toBeCloseTo(2.35);
    expect(byId('redis-cpu').figures).toContain('whole-context 20 µs at 10');
  });

  it('checks the worst server time per turn against 20 µs', () => {
    expect(byId('server-time')).toMatchObject({ ratio: 35, threshold: 20, unit: 'µs', met: false });
  });

  it('compares p50 at the shortest length with the whole-context design on the same client', () => {
    expect(byId('short-dialogs')).toMatchObject({ met: false });
    expect(byId('short-dialogs').ratio).toBeCloseTo(1.5);
  });

  it('divides p50 figures of the same run for flatness and overhead, the worst length', () => {
    const flat = byId('flat-cost');
    expect(flat).toMatchObject({ met: true, comparison: '<=' });
    expect(flat.ratio).toBeCloseTo(1.1);
    expect(flat.figures).toContain('whole-context baseline grows 500.00x');
    expect(byId('library-overhead')).toMatchObject({ met: false });
    expect(byId('library-overhead').ratio).toBeCloseTo(1.65);
  });

  it('takes the worst p99 / p50 of the adapter, not of its baselines', () => {
    expect(byId('tail')).toMatchObject({ ratio: 4, threshold: 3, met: false });
    expect(byId('tail').figures).toContain('raw layout commands 3.50x');
  });

  it('compares throughput at the highest concurrency with the whole-context design', () => {
    expect(byId('concurrency')).toMatchObject({ met: false, threshold: 2, comparison: '>=' });
    expect(byId('concurrency').ratio).toBeCloseTo(1.2);
  });

  it('meets a target only when its figures are there and within the goal', () => {
    const better = {
      ...figures,
      perTurn: figures.perTurn.map((row) =>
        row.kind === 'adapter' && row.traffic
          ? { ...row, traffic: { ...row.traffic, cpuMicros: 19, serverMicros: 18 } }
          : row,
      ),
    };
    const met = evaluateTargets(better, ['ioredis']);
    expect(met.find((found) => found.id === 'redis-cpu')).toMatchObject({ met: true, ratio: 0.95 });
    expect(met.find((found) => found.id === 'server-time')).toMatchObject({ met: true, ratio: 18 });
    const missing = evaluateTargets({ ...figures, perTurn: [] }, ['ioredis']);
    for (const found of missing) expect(found.met, found.id).toBe(false);
  });
});

describe('renderLogLogChart', () => {
  it('draws one line per series on log axes, baselines dashed, text escaped', () => {
    const svg = renderLogLogChart(
      [
        {
          name: 'a & b',
          points: [
            { x: 10, y: 0.2 },
            { x: 10_000, y: 0.3 },
          ],
        },
        {
          name: 'whole',
          points: [
            { x: 10, y: 0.2 },
            { x: 10_000, y: 200 },
          ],
          dashed: true,
        },
      ],
      { title: 'T', x: 'turns', y: 'cost', formatY: (value) => `${value} ms` },
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // the dashed line and its legend
    expect(svg).toContain('a &amp; b');
    for (const tick of ['10,000', '0.1 ms', '1000 ms']) expect(svg).toContain(`>${tick}<`);
    expect(svg).not.toContain('NaN');
  });
});

describe('renderMarkdown', () => {
  it('renders every section from results', () => {
    const results: BenchResults = {
      mode: 'full',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 60_000,
      machine: {
        cpu: 'CPU',
        cores: 2,
        memoryGiB: 4,
        node: 'v20',
        redis: '7.0.15',
        os: 'Linux',
        loadAverage: { start: 11.8, end: 9.25 },
      },
      servers: [],
      backends: ['ioredis'],
      scenarios: [
        {
          key: 'default',
          title: 'default',
          chatsky: 'default',
          startTurns: 300,
          extraTurns: 10,
          contexts: 30,
          messageBytes: 1_000,
          miscBytes: 200,
          contextBytes: 600_000,
        },
      ],
      scenarioResults: [
        {
          scenario: 'default',
          backend: 'ioredis',
          firstWrite: timing(5),
          load: timing(0.1),
          turn: timing(0.3),
        },
      ],
      ...figures,
      memory: [
        { turns: 10, contexts: 100, bytesPerContext: 30_000, payloadBytesPerContext: 20_000 },
      ],
      targets: evaluateTargets(figures, ['ioredis']),
      label: 'layout v1',
    };
    const redisOnly = renderMarkdown(
      { ...results, only: 'redis' },
      { chartHref: 'benchmarks/per-turn.svg' },
    );
    expect(redisOnly).toContain('**Redis backends only** (`--only redis`): ioredis and their');
    const page = renderMarkdown(results, { chartHref: 'benchmarks/per-turn.svg' });
    for (const heading of [
      '## Targets',
      '## Machine',
      '## Method',
      '## Concurrency',
      '### default',
    ]) {
      expect(page).toContain(heading);
    }
    expect(page).toContain('![per-turn cost against dialog length](benchmarks/per-turn.svg)');
    expect(page).toContain('| Library overhead | ioredis |');
    expect(page).toContain('**not met**');
    expect(page).toContain(
      '| ioredis | 5.00 ms / 10.0 ms | 0.100 ms / 0.200 ms | 0.300 ms / 0.600 ms |',
    );
    expect(page).toContain('1.50x');
    expect(page).toContain('> Run labelled **layout v1**, measured 2026-01-01');
    expect(page).toContain('### CPU and server time per turn');
    expect(page).toContain(
      '| load average (1 min) | 11.8 at the start, 9.25 at the end, on 2 cores',
    );
    // p50, p99, p99 / p50, Node CPU, Redis CPU, Redis server time.
    expect(page).toContain(
      '| ioredis | 1,000 | 0.320 ms | 1.28 ms | 4.00x | 100 µs | 47 µs | 35 µs |',
    );
    expect(page).toContain('| Redis server time per turn | ioredis |');
    expect(page).toContain('35 µs (goal <= 20 µs)');
  });
});

describe('format', () => {
  it('formats durations, sizes and tables', () => {
    expect([formatMs(0.2134), formatMs(12.34), formatMs(1530.2)]).toEqual([
      '0.213 ms',
      '12.3 ms',
      '1,530 ms',
    ]);
    expect([formatBytes(870), formatBytes(12_345), formatBytes(20_500_000)]).toEqual([
      '870 B',
      '12.3 KB',
      '20.5 MB',
    ]);
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});
