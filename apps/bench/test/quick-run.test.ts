import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isProcessRunning } from '@context-storage/redis-test-servers';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../src/backends.js';
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
    const docsBefore = existsSync(docsPage) ? statSync(docsPage).mtimeMs : undefined;
    const { code, stderr } = await runBench('--quick', '--out', out);
    expect(code, stderr).toBe(0);
    // Not a terminal: one progress line per step.
    expect(stderr).toMatch(/^\[ *1\/\d+ [\d:]+\] scenario default · memory: /m);

    const results = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8')) as BenchResults;
    expect(results.mode).toBe('quick');
    expect(results.backends).toEqual([...BACKEND_NAMES]);
    for (const scenario of results.scenarios) {
      for (const backend of BACKEND_NAMES) {
        const row = results.scenarioResults.find(
          (candidate) => candidate.scenario === scenario.key && candidate.backend === backend,
        );
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
    for (const name of [...BACKEND_NAMES, 'whole-context (ioredis)', 'raw EVALSHA (node-redis)']) {
      expect(sweep).toContain(name);
    }
    for (const target of sweep) {
      const rows = results.perTurn.filter((row) => row.target === target);
      expect(rows.map((row) => row.length)).toEqual(lengths);
      for (const row of rows) {
        expectTiming(row.turn);
        if (row.client !== null) expect(row.traffic?.clientCommands).toBeGreaterThan(0);
      }
    }
    for (const row of results.concurrency) {
      expect(row.turnsPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(row.turnsPerSecond)).toBe(true);
    }
    expect(new Set(results.concurrency.map((row) => row.inFlight))).toEqual(new Set([1, 64]));
    expect(results.concurrency.map((row) => row.target)).toContain('raw SET+GET (ioredis)');
    for (const row of results.memory) expect(row.bytesPerContext).toBeGreaterThan(0);
    expect(results.targets).toHaveLength(6);
    for (const check of results.targets) {
      expect(Number.isFinite(check.ratio) && check.ratio > 0).toBe(true);
      expect(typeof check.met).toBe('boolean');
    }

    const markdown = readFileSync(join(out, 'quick.md'), 'utf8');
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('](quick-per-turn.svg)');
    expect(readFileSync(join(out, 'quick-per-turn.svg'), 'utf8')).toMatch(
      /^<svg [^>]*>[\s\S]*<\/svg>\n$/,
    );

    for (const server of results.servers) expect(isProcessRunning(server.pid)).toBe(false);
    expect(existsSync(docsPage) ? statSync(docsPage).mtimeMs : undefined).toBe(docsBefore);

    // --render writes the same page again from the saved results, measuring nothing.
    const again = join(out, 'again');
    expect((await runBench('--render', join(out, 'quick.json'), '--out', again)).code).toBe(0);
    expect(readFileSync(join(again, 'quick.md'), 'utf8')).toBe(markdown);
  });
});
