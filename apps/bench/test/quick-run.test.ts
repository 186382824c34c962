import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isProcessRunning } from '@context-storage/redis-test-servers';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../src/backends.js';
import { benchConfig } from '../src/config.js';
import type { BenchResults } from '../src/results.js';
import type { Timing } from '../src/sampling.js';

// The CI smoke test of `pnpm bench --quick`: structure only, never timing.
const benchDir = resolve(import.meta.dirname, '..');
const docsPage = resolve(benchDir, '..', '..', 'docs', 'benchmarks.md');
const out = mkdtempSync(join(tmpdir(), 'bench-quick-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runBench(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', ...args], {
      cwd: benchDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolveRun({ code, stderr }));
  });
}

function expectTiming(timing: Timing): void {
  expect(timing.n).toBeGreaterThan(0);
  for (const value of [timing.p50, timing.p99, timing.mean]) {
    expect(Number.isFinite(value) && value > 0).toBe(true);
  }
}

describe('pnpm bench --quick', () => {
  it('measures every backend and scenario, writes JSON, Markdown and SVG, stops its servers', async () => {
    const config = benchConfig('quick');
    const docsBefore = existsSync(docsPage) ? statSync(docsPage).mtimeMs : undefined;
    const { code, stderr } = await runBench('--quick', '--out', out);
    expect(code, stderr).toBe(0);
    // Not a terminal: one progress line per step.
    expect(stderr).toMatch(/^\[ *1\/\d+ [\d:]+\] scenario default · memory: /m);

    const results = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8')) as BenchResults;
    expect(results.mode).toBe('quick');
    expect(results.machine.loadAverage?.end).toBeGreaterThanOrEqual(0);
    expect(results.backends).toEqual([...BACKEND_NAMES]);
    // The quick run keeps the SQL backends out of the scenarios (their long dialogs take long).
    const sqlBackends = ['postgres', 'pglite', 'keyv-postgres'];
    expect(config.sqlScenarios).toBe(false);
    for (const scenario of results.scenarios) {
      for (const backend of BACKEND_NAMES) {
        const row = results.scenarioResults.find(
          (candidate) => candidate.scenario === scenario.key && candidate.backend === backend,
        );
        if (sqlBackends.includes(backend)) {
          expect(row, `${scenario.key} on ${backend}`).toBeUndefined();
          continue;
        }
        expect(row, `${scenario.key} on ${backend}`).toBeDefined();
        for (const timing of [row!.firstWrite, row!.load, row!.turn]) expectTiming(timing);
      }
    }
    expect(results.scenarios.map((scenario) => scenario.key)).toEqual([
      'default',
      'large-misc',
      'long-dialog',
      'very-long-dialog',
      'very-long-messages',
    ]);

    const lengths = [10, 100, 1_000, 10_000];
    const sweep = new Set(results.perTurn.map((row) => row.target));
    const wholeJsonb = 'whole-context JSONB (pg)';
    for (const name of [
      ...BACKEND_NAMES,
      'whole-context (ioredis)',
      'raw layout commands (node-redis)',
      wholeJsonb,
    ]) {
      expect(sweep).toContain(name);
    }
    // Statements per load and per save: counts, not timings, so exact.
    const sqlStatements: Record<string, [number, number]> = {
      postgres: [1, 1],
      pglite: [1, 1],
      'keyv-postgres': [1, 2],
      [wholeJsonb]: [1, 1],
    };
    for (const target of sweep) {
      const rows = results.perTurn.filter((row) => row.target === target);
      const sql = sqlStatements[target];
      expect(rows.map((row) => row.length)).toEqual(sql ? [...config.sqlLengths] : lengths);
      for (const row of rows) {
        expectTiming(row.turn);
        expect(row.p99OverP50, target).toBeGreaterThanOrEqual(1);
        expect(Number.isFinite(row.nodeCpuMicros) && row.nodeCpuMicros! > 0, target).toBe(true);
        if (row.client === 'ioredis' || row.client === 'node-redis') {
          // Counted over the timed turns: as many as were timed.
          expect(row.traffic?.turns).toBe(row.turn.n);
          expect(row.traffic?.clientCommands).toBeGreaterThan(0);
          for (const micros of [row.traffic?.serverMicros, row.traffic?.cpuMicros]) {
            expect(Number.isFinite(micros) && micros! > 0, target).toBe(true);
          }
        }
        if (sql === undefined) {
          expect(row.statements ?? null, target).toBeNull();
          continue;
        }
        const counted = row.statements!;
        expect([counted.perLoad, counted.perSave], `${target} at ${row.length}`).toEqual(sql);
        expect(counted.source).toBe(
          target === 'pglite' ? 'SqlClient wrapper' : 'pg_stat_statements',
        );
        if (target === 'pglite') expect(counted.serverMicros).toBeNull();
        else expect(Number.isFinite(counted.serverMicros) && counted.serverMicros! > 0).toBe(true);
      }
    }
    for (const row of results.concurrency) {
      expect(row.turnsPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(row.turnsPerSecond)).toBe(true);
    }
    expect(new Set(results.concurrency.map((row) => row.inFlight))).toEqual(new Set([1, 64]));
    const flying = results.concurrency.map((row) => row.target);
    for (const name of ['raw SET+GET (ioredis)', ...sqlBackends, wholeJsonb]) {
      expect(flying).toContain(name);
    }
    for (const row of results.memory) expect(row.bytesPerContext).toBeGreaterThan(0);
    // The script floor: a script costs more than the HSET it runs, measured on the bench's server.
    const floor = results.scriptFloor!;
    expect(floor.argumentBytes).toBeGreaterThan(500);
    expect(floor.hsetScriptMicros).toBeGreaterThan(floor.plainHsetMicros);
    expect(floor.emptyScriptMicros).toBeGreaterThan(0);
    expect(results.targets.map((check) => `${check.id} ${check.client}`)).toEqual([
      ...['ioredis', 'node-redis'].flatMap((client) =>
        [
          'redis-cpu',
          'server-time',
          'short-dialogs',
          'flat-cost',
          'library-overhead',
          'tail',
          'concurrency',
        ].map((id) => `${id} ${client}`),
      ),
      'flat-cost pg',
      'keyv-speedup pg',
      'statements pg',
      'flat-cost pglite',
      'statements pglite',
    ]);
    for (const check of results.targets) {
      expect(Number.isFinite(check.ratio) && check.ratio > 0).toBe(true);
      expect(typeof check.met).toBe('boolean');
    }

    const markdown = readFileSync(join(out, 'quick.md'), 'utf8');
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('](quick-per-turn.svg)');
    expect(markdown).toContain('### SQL statements per turn');
    expect(markdown).toContain('### CPU and server time per turn');
    expect(markdown).toMatch(/^\| whole-context JSONB \(pg\) \| 1 \+ 1; /m);
    expect(readFileSync(join(out, 'quick-per-turn.svg'), 'utf8')).toMatch(
      /^<svg [^>]*>[\s\S]*<\/svg>\n$/,
    );

    expect(results.servers.map((server) => server.kind)).toEqual(['redis', 'postgres']);
    for (const server of results.servers) {
      expect(isProcessRunning(server.pid)).toBe(false);
      if (server.dir !== undefined) expect(existsSync(server.dir), server.dir).toBe(false);
    }
    expect(results.servers[1]!.dir).toMatch(/context-storage-pg-/);
    expect(results.directories).toHaveLength(1);
    for (const dir of results.directories!) expect(existsSync(dir), dir).toBe(false);
    expect(existsSync(docsPage) ? statSync(docsPage).mtimeMs : undefined).toBe(docsBefore);

    // --render writes the same page again from the saved results, measuring nothing.
    const again = join(out, 'again');
    expect((await runBench('--render', join(out, 'quick.json'), '--out', again)).code).toBe(0);
    expect(readFileSync(join(again, 'quick.md'), 'utf8')).toBe(markdown);
  });
});
