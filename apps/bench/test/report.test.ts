import { describe, expect, it } from 'vitest';
import { renderLogLogChart } from '../src/report/chart.js';
import { formatBytes, formatMs, markdownTable } from '../src/report/format.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { evaluateTargets } from '../src/report/targets.js';
import type { BenchResults, ConcurrencyResult, PerTurnResult } from '../src/results.js';
import type { ClientName, TargetKind } from '../src/targets/target.js';
import { parseTraffic } from '../src/traffic.js';

const timing = (p50: number) => ({ n: 10, p50, p99: p50 * 2, mean: p50 });

function perTurn(target: string, kind: TargetKind, client: ClientName | null, costs: number[]) {
  return [10, 100, 1_000, 10_000].map(
    (length, index): PerTurnResult => ({
      target,
      kind,
      client,
      length,
      turn: timing(costs[index]!),
      traffic: null,
    }),
  );
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
    ...perTurn('ioredis', 'adapter', 'ioredis', [0.3, 0.31, 0.32, 0.33]),
    ...perTurn('whole-context (ioredis)', 'whole-context', 'ioredis', [0.2, 1, 10, 100]),
    ...perTurn('raw EVALSHA (ioredis)', 'raw-layout', 'ioredis', [0.2, 0.2, 0.2, 0.2]),
  ],
  concurrency: [
    ...flight('ioredis', 'adapter', [3_000, 6_000]),
    ...flight('raw EVALSHA (ioredis)', 'raw-layout', [5_000, 12_000]),
    ...flight('raw SET+GET (ioredis)', 'raw-set-get', [10_000, 10_000]),
  ],
};

describe('evaluateTargets', () => {
  it('divides figures of the same run and gives a verdict per target', () => {
    const [flat, overhead, concurrency] = evaluateTargets(figures, ['ioredis']);
    expect(flat).toMatchObject({ id: 'flat-cost', met: true, comparison: '<=' });
    expect(flat!.ratio).toBeCloseTo(1.1);
    expect(flat!.figures).toContain('whole-context baseline grows 500.00x');
    expect(overhead).toMatchObject({ id: 'library-overhead', met: false });
    expect(overhead!.ratio).toBeCloseTo(1.65); // the worst length
    expect(concurrency).toMatchObject({ id: 'concurrency', met: true, ratio: 0.6 });
  });
});

describe('parseTraffic', () => {
  it('counts client commands apart from the commands scripts ran, less its own bytes', () => {
    const info = [
      '# Stats',
      'total_net_input_bytes:2040',
      'total_net_output_bytes:4005',
      '# Commandstats',
      'cmdstat_evalsha:calls=4,usec=200,usec_per_call=50.00,rejected_calls=0,failed_calls=0',
      'cmdstat_hmget:calls=8,usec=16,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
      'cmdstat_hset:calls=4,usec=8,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
      'cmdstat_config|resetstat:calls=1,usec=3,usec_per_call=3.00,rejected_calls=0,failed_calls=0',
    ].join('\r\n');
    const traffic = parseTraffic(info, 2, { bytesIn: 40, bytesOut: 5 });
    expect(traffic).toEqual({
      turns: 2,
      clientCommands: 2,
      luaCommands: 6,
      bytesIn: 1000,
      bytesOut: 2000,
      serverMicros: 100,
      luaCommandMicros: 12,
      commands: { evalsha: 2, hmget: 4, hset: 2 },
    });
  });

  it('counts every command as the client when no script ran', () => {
    const info = 'cmdstat_get:calls=2,usec=2,x\r\ncmdstat_set:calls=2,usec=4,x\r\n';
    expect(parseTraffic(info, 2, { bytesIn: 0, bytesOut: 0 })).toMatchObject({
      clientCommands: 2,
      luaCommands: 0,
      serverMicros: 3,
      luaCommandMicros: 0,
    });
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
      machine: { cpu: 'CPU', cores: 2, memoryGiB: 4, node: 'v20', redis: '7.0.15', os: 'Linux' },
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
    };
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
