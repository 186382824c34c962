/**
 * A bundled application (esbuild, one file, run by node from a folder without node_modules):
 * adapters passed to createContextStorage work; a URI alone fails with a typed error naming the
 * package and the bundled form.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const APPS = fileURLToPath(new URL('./bundled-app/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'cs-bundled-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Bundles `app` into one ESM file in `out`, runs it with node there, and parses what it prints. */
async function bundleAndRun(app: string): Promise<Record<string, unknown>> {
  const outfile = join(out, `${app}.mjs`);
  await build({
    entryPoints: [join(APPS, `${app}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  expect(readdirSync(out), 'the bundle is the only thing beside it').not.toContain('node_modules');
  // NODE_PATH (set by pnpm's bin shims) would let the bundle find the workspace's packages.
  const { NODE_PATH: _ignored, ...env } = process.env;
  const run = spawnSync(process.execPath, [outfile], { cwd: out, encoding: 'utf8', env });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

describe('a bundled application', () => {
  it('opens a storage from the adapters it passes in, and saves and loads', async () => {
    expect(await bundleAndRun('explicit')).toEqual({
      adapter: 'memory',
      createdByPassedAdapter: 1,
      location: expect.stringMatching(/^memory:\/\/.*#bundled$/),
      request: { text: 'hi' },
      visits: 1,
    });
  });

  it('that imports the adapter package for its side effect finds the adapter registered', async () => {
    expect(await bundleAndRun('registered')).toEqual({ adapter: 'memory', request: 'hi' });
  });

  it('that passes none gets a typed error naming the package and the bundled form', async () => {
    const { error } = (await bundleAndRun('implicit')) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      name: 'UnknownSchemeError',
      code: 'UNKNOWN_SCHEME',
      packageName: '@context-storage/memory',
    });
    expect(error.message).toMatch(
      /which is not installed: run `npm install @context-storage\/memory`/,
    );
    expect(error.message).toMatch(
      /createContextStorage\(uri, \{ adapters: \[contextStorageAdapter\] \}\)/,
    );
  });
});
