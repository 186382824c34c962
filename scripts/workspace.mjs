#!/usr/bin/env node
// Entry point of the root npm scripts. It exists so that `npm run demo` and `npm test` work on a
// fresh clone with only Node and npm: it installs the workspace with the pinned pnpm (through npx, because corepack
// is not always usable), then hands over to turbo. For `test` it ends with one plain summary line,
// `N passed, N failed, N skipped`, added up from every package's vitest JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const task = process.argv[2];
const extra = process.argv.slice(3);
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpm = rootManifest.packageManager; // "pnpm@x.y.z"
const bin = join(root, 'node_modules', '.bin');
// turbo runs each package's script through the package manager, so the pinned pnpm (a root
// devDependency) must be on PATH.
const env = {
  ...process.env,
  PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function workspaceDirs() {
  return ['packages', 'apps'].flatMap((group) => {
    const dir = join(root, group);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  });
}

function reportPath(dir) {
  return join(dir, '.test-report', 'vitest.json');
}

// First line of a failure message, without terminal colours.
function firstLine(message) {
  const line = stripVTControlCharacters(String(message ?? '')).split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function summarize() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  for (const dir of workspaceDirs()) {
    const file = reportPath(dir);
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A test file that crashed before its tests ran counts as a failure, not as nothing.
    for (const suite of report.testResults ?? []) {
      const where = suite.name ? suite.name.slice(root.length + 1) : dir;
      if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
        failed += 1;
        failures.push(
          `${where}: the file failed before its tests ran: ${firstLine(suite.message)}`,
        );
      }
      for (const test of suite.assertionResults ?? []) {
        if (test.status !== 'failed') continue;
        failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      }
    }
  }
  return { passed, failed, skipped, failures };
}

const install = run('npx', ['--yes', pnpm, 'install', '--frozen-lockfile']);
if (install !== 0) process.exit(install);

const turbo = join(bin, 'turbo');
if (task === 'test') {
  for (const dir of workspaceDirs())
    rmSync(join(dir, '.test-report'), { recursive: true, force: true });
  const status = run(turbo, ['run', 'lint', 'typecheck', 'test', '--continue', ...extra]);
  const { passed, failed, skipped, failures } = summarize();
  const crashed = status !== 0 && failed === 0 ? 1 : 0;
  // The failed tests once more, together: turbo's interleaved output buries them.
  if (failures.length > 0)
    console.log(`\nFailed tests:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  console.log(`\n${passed} passed, ${failed + crashed} failed, ${skipped} skipped`);
  process.exit(status);
}
// The apps a root script runs: built with the packages they use, then run in the foreground.
// demo: the bot (Ctrl-C stops it); bench: the benchmarks (`--quick` for the smoke run).
const APPS = { demo: '@context-storage/demo', bench: '@context-storage/bench' };
if (task in APPS) {
  const built = run(turbo, [
    'run',
    'build',
    `--filter=${APPS[task]}...`,
    '--output-logs=errors-only',
  ]);
  if (built !== 0) process.exit(built);
  process.exit(run(process.execPath, [join(root, 'apps', task, 'dist', 'main.js'), ...extra]));
}
process.exit(run(turbo, ['run', task, ...extra]));
