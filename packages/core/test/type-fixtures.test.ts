/**
 * The type tests: test-types/ holds what a bot author writes with typed contexts, and tsc must
 * accept it exactly: every `expectType` holds, every `@ts-expect-error` line fails to compile.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const FIXTURES = fileURLToPath(new URL('../test-types/', import.meta.url));

/** Runs tsc on a project; resolves its exit status and what it printed. */
function tsc(project: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [TSC, '-p', project, '--pretty', 'false'], {
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('typed contexts', () => {
  it('infer as test-types/ expects, and refuse what it marks as errors', () => {
    const { status, output } = tsc(join(FIXTURES, 'tsconfig.json'));
    expect(output, 'tsc over test-types/ reports nothing').toBe('');
    expect(status).toBe(0);
  }, 60_000);

  it('the check itself fails on a wrong expectation and on an error that does not happen', () => {
    // A fixture beside the real ones, so that it compiles under the same options.
    const folder = mkdtempSync(join(FIXTURES, '.broken-'));
    try {
      writeFileSync(
        join(folder, 'broken.ts'),
        [
          "import { Context } from '../../src/index.js';",
          "import { type Equal, expectType } from '../type-assert.js';",
          "const context = new Context<{ request: string }>('a');",
          'expectType<Equal<ReturnType<typeof context.requests.get>, number | undefined>>(true);',
          '// @ts-expect-error',
          "context.requests.set(1, 'a string is a request here');",
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(folder, 'tsconfig.json'),
        JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts'] }),
      );
      const { status, output } = tsc(join(folder, 'tsconfig.json'));
      expect(status).not.toBe(0);
      expect(output).toMatch(/broken\.ts\(4,.*TS2344/);
      expect(output).toMatch(/broken\.ts\(5,.*TS2578: Unused '@ts-expect-error' directive/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
