import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { RedisServer } from '@context-storage/redis-test-servers';
import type { Machine } from './results.js';

function firstMatch(file: string, pattern: RegExp): string | undefined {
  try {
    return pattern.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/**
 * The machine of a run: CPU model (/proc/cpuinfo), logical cores, memory, Node, the Redis
 * server's version (INFO server) and the OS (/etc/os-release). One command to the server.
 */
export async function describeMachine(server: RedisServer): Promise<Machine> {
  const info = String(await server.command(['INFO', 'server']));
  const os = firstMatch('/etc/os-release', /^PRETTY_NAME="?([^"\n]*)"?$/m) ?? process.platform;
  return {
    cpu: firstMatch('/proc/cpuinfo', /^model name\s*:\s*(.*)$/m) ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: /^redis_version:(.*)$/m.exec(info)?.[1]?.trim() ?? 'unknown',
    os: `${os}, Linux ${release()}`,
  };
}
