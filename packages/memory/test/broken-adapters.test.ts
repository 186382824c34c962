/**
 * The conformance suite must be sensitive: it passes on the real memory adapter and FAILS on each
 * deliberately broken one in ./broken/, through the tests meant to catch that defect.
 *
 * Each run is a child process under node's own test runner (`node --test`, TAP output), which
 * also proves that the suite runs outside vitest. A run takes about 10 s (TTL sleeps); the runs go
 * concurrently, up to vitest's `maxConcurrency` (5 by default) at a time.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  type Failure,
  failuresOf,
  isDomainSentence,
  isNodeAssertWording,
} from './broken/failure-messages.js';
import { BROKEN_ADAPTERS } from './broken/index.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const RUN_SUITE = fileURLToPath(new URL('./broken/run-suite.ts', import.meta.url));
const RUN_TIMEOUT_MS = 180_000;

/** What one run of the suite reported. */
interface SuiteRun {
  exitCode: number | null;
  /** Names of the failed tests (and of the describe blocks holding them). */
  failed: string[];
  /** The failed tests with the first line of their error messages. */
  failures: Failure[];
  pass: number;
  fail: number;
  skipped: number;
  output: string;
}

/** Our environment minus every VITEST* variable (else the suite registers vitest tests). */
function childEnv(broken: string): NodeJS.ProcessEnv {
  const env = Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST'));
  return { ...Object.fromEntries(env), BROKEN: broken };
}

/** Runs the whole suite on the adapter `broken` under `node --test` and parses its TAP. */
function runSuite(broken: string): Promise<SuiteRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', RUN_SUITE],
      { cwd: PACKAGE_DIR, env: childEnv(broken), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      // Failed tests are `not ok N - name`, indented once per level of nesting.
      const failed = [...output.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((match) => match[1]!);
      const total = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(output)?.[1]);
      resolve({
        exitCode,
        failed,
        failures: failuresOf(output),
        pass: total('pass'),
        fail: total('fail'),
        skipped: total('skipped'),
        output,
      });
    });
  });
}

describe('the conformance suite under node:test', () => {
  test.concurrent(
    'passes on the real memory adapter (control)',
    async () => {
      const run = await runSuite('none');
      expect(run.failed, run.output).toEqual([]);
      expect(run.fail).toBe(0);
      expect(run.pass).toBeGreaterThanOrEqual(45);
      expect(run.skipped, 'memory must pass the whole suite with no skips').toBe(0);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  for (const [name, adapter] of Object.entries(BROKEN_ADAPTERS)) {
    test.concurrent(
      `fails on ${name}: ${adapter.defect}`,
      async () => {
        expect(adapter.caughtBy.length).toBeGreaterThan(0);
        const run = await runSuite(name);
        const uncaught = adapter.caughtBy.filter(
          (expected) => !run.failed.some((failed) => failed.includes(expected)),
        );
        expect(uncaught, `tests that failed: ${JSON.stringify(run.failed, null, 2)}`).toEqual([]);
        expect(run.fail).toBeGreaterThan(0);
        expect(run.exitCode).not.toBe(0);
        // Every failure says what was expected in the domain's words, whichever test it is.
        expect(run.failures.length, run.output).toBeGreaterThan(0);
        const unreadable = run.failures.filter(({ message }) => !isDomainSentence(message));
        expect(
          unreadable,
          "failures that do not say, in the domain's words, what was expected",
        ).toEqual([]);
        for (const sentence of adapter.says ?? []) {
          expect(run.failures.map(({ message }) => message)).toContainEqual(
            expect.stringContaining(sentence),
          );
        }
      },
      RUN_TIMEOUT_MS,
    );
  }
});

describe('reading failure messages', () => {
  test("node:assert's own wording is told apart from the suite's sentences", () => {
    const bare = [
      () => assert.equal(true, false),
      () => assert.deepEqual({ ids: ['1'] }, { ids: ['10'] }),
      () => assert.notEqual(1, 1),
      () => assert.ok(false),
      () => assert.match('abc', /x/),
      () => assert.fail(),
      () => assert.throws(() => {}),
    ];
    for (const fail of bare) {
      const message = (() => {
        try {
          fail();
        } catch (error) {
          return (error as Error).message.split('\n')[0]!;
        }
        throw new Error('a bare assertion passed');
      })();
      expect(isNodeAssertWording(message), message).toBe(true);
      expect(isDomainSentence(message), message).toBe(false);
    }
    expect(isDomainSentence("after delItem('1'), contains('10') is still true")).toBe(true);
    expect(
      isDomainSentence('the storage threw CONFLICT where the test expected the call to succeed: x'),
    ).toBe(true);
    expect(isDomainSentence('after expiry, len() is 1')).toBe(true);
    expect(isDomainSentence('a concurrent writer lost its turn'), 'names no operation').toBe(false);
    expect(isDomainSentence('the context contains a gap'), 'contains, not contains()').toBe(false);
  });

  test('failures are read from both forms of TAP error', () => {
    const tap = [
      '    # Subtest: odd ids',
      '        not ok 1 - ids sharing a prefix never touch each other',
      '          ---',
      "          failureType: 'testCodeFailure'",
      '          error: |-',
      "            after delItem('1'), contains('10') is still true",
      '            ',
      '            false !== true',
      '          code: ERR_ASSERTION',
      '          ...',
      '        not ok 2 - a glob id does not match other ids',
      '          ---',
      "          failureType: 'testCodeFailure'",
      "          error: 'after delItem(''a*''), len() is 1'",
      '          ...',
      '    not ok 3 - odd ids',
      '      ---',
      "      failureType: 'subtestsFailed'",
      "      error: '2 subtests failed'",
      '      ...',
    ].join('\n');
    expect(failuresOf(tap)).toEqual([
      {
        test: 'ids sharing a prefix never touch each other',
        message: "after delItem('1'), contains('10') is still true",
      },
      { test: 'a glob id does not match other ids', message: "after delItem('a*'), len() is 1" },
    ]);
  });
});
