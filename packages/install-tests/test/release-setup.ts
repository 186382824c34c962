import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CONSUMER_TOOLS, fileSpecifiers, installProject } from './consumer-project.js';
import { packRelease, type ReleasePacks } from './release-packs.js';

/** The release packed once for every test file, and the project that installed all of it. */
export interface InstalledRelease extends ReleasePacks {
  /** Temporary folder (outside the workspace) holding the packs and the projects. */
  out: string;
  /** A project with every public package, the client libraries, TypeScript, and `core2`. */
  app: string;
  /** npm name of each tarball. */
  byName: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    release: InstalledRelease;
  }
}

/** Client libraries the shared project installs: the versions the workspace tests with. */
const CLIENTS = { ioredis: '6.0.0', redis: '6.3.1', keyv: '5.6.0', pg: '8.23.1' };

export default async function setup(project: TestProject): Promise<() => void> {
  const out = mkdtempSync(join(tmpdir(), 'cs-install-tests-'));
  const release = await packRelease(out);
  const byName = Object.fromEntries(
    Object.entries(release.tarballs).map(([folder, path]) => [`@context-storage/${folder}`, path]),
  );
  const app = join(out, 'app');
  await installProject(app, {
    ...fileSpecifiers(byName),
    // A second copy of core beside the application's, as npm nests one when versions differ.
    core2: `file:${release.tarballs.core}`,
    ...CLIENTS,
    ...CONSUMER_TOOLS,
  });
  project.provide('release', { ...release, out, app, byName });
  return () => rmSync(out, { recursive: true, force: true });
}
