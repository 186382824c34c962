import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandOutput, run, spawnOutput } from './commands.js';

/** Versions the consumer projects install beside the tarballs (those of the workspace). */
export const CONSUMER_TOOLS = {
  typescript: '5.9.3',
  '@types/node': '20.19.43',
} as const;

/**
 * Writes an empty npm project at `dir` with these dependencies (tarball paths as `file:`
 * specifiers, or registry ranges) and installs it with plain npm, as a user would.
 * `legacyPeerDeps` leaves peer dependencies out, as yarn 1 and npm 6 do: how a project meets an
 * adapter without its client library. Cost: one npm install (seconds from npm's cache).
 */
export async function installProject(
  dir: string,
  dependencies: Record<string, string>,
  options: { type?: 'module' | 'commonjs'; legacyPeerDeps?: boolean } = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'consumer', private: true, type: options.type ?? 'module', dependencies },
      null,
      2,
    ),
  );
  const flags = ['--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'];
  if (options.legacyPeerDeps === true) flags.push('--legacy-peer-deps');
  await run('npm', ['install', ...flags], { cwd: dir, timeoutMs: 300_000 });
}

/** `file:` specifiers of tarballs, by package name. */
export function fileSpecifiers(tarballs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`]));
}

/** Writes `source` to `dir/name` and runs it with node. */
export function runScript(dir: string, name: string, source: string): Promise<CommandOutput> {
  writeFileSync(join(dir, name), source);
  return spawnOutput(process.execPath, [name], { cwd: dir });
}

/**
 * The last line a script printed, parsed as JSON: scripts report what they saw as one JSON line.
 * @throws an Error with the script's output when it failed or printed no JSON
 */
export function reported<T = Record<string, unknown>>(output: CommandOutput): T {
  const last = output.stdout.trim().split('\n').pop() ?? '';
  try {
    if (output.status !== 0) throw new Error(`exit ${output.status}`);
    return JSON.parse(last) as T;
  } catch (error) {
    throw new Error(
      `script failed (${(error as Error).message})\n${output.stdout}\n${output.stderr}`,
    );
  }
}
