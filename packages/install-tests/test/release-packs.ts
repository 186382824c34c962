import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './commands.js';

/** The workspace this package lives in. */
export const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));

/** The published packages, by folder under packages/. */
export const PUBLIC_PACKAGES = [
  'core',
  'memory',
  'redis-layout',
  'ioredis',
  'node-redis',
  'keyv',
  'postgres',
] as const;

/** A folder of packages/. */
export type PublicPackage = (typeof PUBLIC_PACKAGES)[number];

/** What the release would publish: one tarball per public package, and the versions it gives. */
export interface ReleasePacks {
  /** The tarball of each public package. */
  tarballs: Record<PublicPackage, string>;
  /** The version of each public package after `changeset version`. */
  versions: Record<PublicPackage, string>;
  /** The released copy of the workspace the tarballs were packed from. */
  workspace: string;
}

const bin = (name: string) => join(WORKSPACE, 'node_modules', '.bin', name);

function workspacePackages(): { dir: string; manifest: Record<string, unknown> }[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(WORKSPACE, group), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && existsSync(join(WORKSPACE, group, entry.name, 'package.json')),
      )
      .map((entry) => {
        const dir = join(WORKSPACE, group, entry.name);
        return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
      }),
  );
}

/**
 * Packs every public package as the release workflow would publish it, from a copy of the
 * workspace under `out`: `changeset version` applies the pending changesets (versions, changelogs,
 * ranges), then `pnpm pack` turns `workspace:` ranges into released ones. The workspace itself is
 * left untouched; its packages must be built. Cost: ~10 s (one changeset run, seven packs).
 */
export async function packRelease(out: string): Promise<ReleasePacks> {
  const copy = join(out, 'workspace');
  const packs = join(out, 'packs');
  mkdirSync(packs, { recursive: true });
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset']) {
    cpSync(join(WORKSPACE, file), join(copy, file), { recursive: true });
  }
  // changeset resolves its changelog generator from the copy; pnpm needs nothing else from here.
  symlinkSync(join(WORKSPACE, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const packages = workspacePackages();
  for (const { dir, manifest } of packages) {
    const target = join(copy, relative(WORKSPACE, dir));
    // Private packages only need their manifest: changesets name them, pnpm reads their version.
    const files =
      manifest.private === true
        ? ['package.json']
        : ['package.json', 'README.md', 'LICENSE', 'dist', 'src'];
    for (const file of files) cpSync(join(dir, file), join(target, file), { recursive: true });
  }
  await run(bin('changeset'), ['version'], { cwd: copy });
  // pnpm pack reads the version behind a workspace: range from the linked dependency, as an
  // install would have linked it.
  const dirByName = new Map(
    packages.map(({ dir, manifest }) => [
      manifest.name as string,
      join(copy, relative(WORKSPACE, dir)),
    ]),
  );
  for (const name of PUBLIC_PACKAGES) {
    const dir = join(copy, 'packages', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const kind of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const [dependency, range] of Object.entries(
        (manifest[kind] ?? {}) as Record<string, string>,
      )) {
        const linked = join(dir, 'node_modules', dependency);
        if (!range.startsWith('workspace:') || existsSync(linked)) continue;
        mkdirSync(dirname(linked), { recursive: true });
        symlinkSync(dirByName.get(dependency)!, linked, 'dir');
      }
    }
  }
  const tarballs = {} as Record<PublicPackage, string>;
  const versions = {} as Record<PublicPackage, string>;
  await Promise.all(
    PUBLIC_PACKAGES.map(async (name) => {
      const dir = join(copy, 'packages', name);
      const { stdout } = await run(bin('pnpm'), ['pack', '--pack-destination', packs, '--json'], {
        cwd: dir,
      });
      tarballs[name] = (JSON.parse(stdout) as { filename: string }).filename;
      versions[name] = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    }),
  );
  return { tarballs, versions, workspace: copy };
}
