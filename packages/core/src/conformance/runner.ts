import type { describe as NodeDescribe, it as NodeIt } from 'node:test';

/**
 * The few test-runner functions the conformance suite needs. Under vitest (detected by the
 * `VITEST` environment variable it sets) the suite registers vitest tests; anywhere else it uses
 * node's own `node:test`, so an adapter author needs no particular runner. Any other runner can be
 * plugged in through `ConformanceOptions.runner`.
 */
export interface TestRunner {
  /** Groups tests under a name. */
  describe(name: string, body: () => void): void;
  /** Registers one async test with a timeout in ms. */
  test(name: string, body: () => Promise<void>, timeoutMs: number): void;
  /** Registers a visibly skipped test, saying why it is skipped. */
  skip(name: string, reason: string): void;
}

/** A runner over vitest's `describe` and `it`. */
export function vitestRunner({ describe, it }: typeof import('vitest')): TestRunner {
  return {
    describe: (name, body) => describe(name, body),
    test: (name, body, timeoutMs) => it(name, body, timeoutMs),
    skip: (name, reason) => it.skip(`${name} [skipped: ${reason}]`, () => {}),
  };
}

/** A runner over `node:test`'s `describe` and `it`. */
export function nodeRunner({
  describe,
  it,
}: {
  describe: typeof NodeDescribe;
  it: typeof NodeIt;
}): TestRunner {
  return {
    describe: (name, body) => {
      describe(name, body);
    },
    test: (name, body, timeoutMs) => {
      it(name, { timeout: timeoutMs }, body);
    },
    skip: (name, reason) => {
      it(name, { skip: reason }, () => {});
    },
  };
}
