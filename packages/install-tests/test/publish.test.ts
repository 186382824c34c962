import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { run } from './commands.js';
import { PUBLIC_PACKAGES, WORKSPACE } from './release-packs.js';

// The release workflow's steps without its network writes: what `changeset version` gives, what
// `pnpm pack` puts in each tarball, and `pnpm publish --dry-run` of every public package.

const { tarballs, versions, workspace } = inject('release');

async function tarball(path: string): Promise<{ files: string[]; manifest: Manifest }> {
  const files = (await run('tar', ['-tzf', path], { cwd: WORKSPACE })).stdout.trim().split('\n');
  const manifest = JSON.parse(
    (await run('tar', ['-xzOf', path, 'package/package.json'], { cwd: WORKSPACE })).stdout,
  ) as Manifest;
  return { files: files.map((file) => file.replace(/^package\//, '')).sort(), manifest };
}

interface Manifest {
  name: string;
  version: string;
  license: string;
  repository: { url: string; directory: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

describe('the release', () => {
  it('gives every public package its first version, 0.1.0', () => {
    expect(versions).toEqual(Object.fromEntries(PUBLIC_PACKAGES.map((name) => [name, '0.1.0'])));
  });

  it('publishes released ranges: core as a peer of every adapter, no workspace: range', async () => {
    for (const name of PUBLIC_PACKAGES) {
      const { manifest } = await tarball(tarballs[name]);
      expect(JSON.stringify(manifest)).not.toContain('workspace:');
      expect(manifest).toMatchObject({
        license: 'MIT',
        repository: { directory: `packages/${name}` },
      });
      if (name !== 'core') {
        expect(manifest.peerDependencies?.['@context-storage/core']).toBe('^0.1.0');
        expect(manifest.dependencies?.['@context-storage/core']).toBeUndefined();
      }
    }
    // Nothing beside a client library pins what the client itself depends on.
    const dependencies = await Promise.all(
      PUBLIC_PACKAGES.map(async (name) => [
        name,
        (await tarball(tarballs[name])).manifest.dependencies ?? {},
      ]),
    );
    expect(Object.fromEntries(dependencies)).toEqual({
      core: { devalue: '^6.0.3' },
      memory: {},
      'redis-layout': {},
      ioredis: { '@context-storage/redis-layout': '^0.1.0' },
      'node-redis': { '@context-storage/redis-layout': '^0.1.0' },
      keyv: {},
      postgres: {},
    });
  });

  it("packs core's builds, declarations per condition, sources, LICENSE and changelog, no tests", async () => {
    const { files } = await tarball(tarballs.core);
    for (const file of [
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
      'dist/index.mjs',
      'dist/index.cjs',
      'dist/index.d.mts',
      'dist/index.d.cts',
      'dist/adapter/index.cjs',
      'dist/adapter/index.d.cts',
      'dist/conformance/index.mjs',
      'dist/conformance/index.cjs',
      'dist/conformance/index.d.mts',
      'dist/conformance/index.d.cts',
      'src/index.ts',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((file) => !/^(dist|src)\//.test(file))).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'package.json',
    ]);
  });

  it('passes pnpm publish --dry-run for every public package', async () => {
    await Promise.all(
      PUBLIC_PACKAGES.map(async (name) => {
        const { stdout, stderr } = await run(
          join(WORKSPACE, 'node_modules', '.bin', 'pnpm'),
          ['publish', '--dry-run', '--no-git-checks'],
          { cwd: join(workspace, 'packages', name) },
        );
        expect(stdout + stderr).toContain(`@context-storage/${name}@0.1.0`);
      }),
    );
  });
});
