import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisServer } from '@context-storage/redis-test-servers';
import type { BenchPostgres } from './postgres-server.js';
import type { Machine } from './results.js';

function firstMatch(file: string, pattern: RegExp): string | undefined {
  try {
    return pattern.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The version of an installed package, from the package.json above its entry point. */
function packageVersion(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const version = (
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }
  ).version;
  return version ?? 'unknown';
}

/** The 1-minute load average, to two decimals. */
export function loadAverageNow(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/**
 * The machine of a run: CPU model (/proc/cpuinfo), logical cores, memory, Node, the Redis
 * server's version (INFO server), the PostgreSQL server's and PGlite's, the OS
 * (/etc/os-release) and the load average now. One command to the Redis server.
 */
export async function describeMachine(
  server: RedisServer,
  postgres: BenchPostgres,
): Promise<Machine> {
  const info = String(await server.command(['INFO', 'server']));
  const os = firstMatch('/etc/os-release', /^PRETTY_NAME="?([^"\n]*)"?$/m) ?? process.platform;
  return {
    cpu: firstMatch('/proc/cpuinfo', /^model name\s*:\s*(.*)$/m) ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: /^redis_version:(.*)$/m.exec(info)?.[1]?.trim() ?? 'unknown',
    postgres: postgres.version,
    pglite: packageVersion('@electric-sql/pglite'),
    os: `${os}, Linux ${release()}`,
    loadAverage: { start: loadAverageNow() },
  };
}
