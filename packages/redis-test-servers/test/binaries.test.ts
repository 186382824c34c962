import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  MissingBinaryError,
  REDIS_INSTALL_COMMAND,
  redisServersSetup,
  resolveBinary,
  startCluster,
  startSentinel,
  startStandalone,
  startTls,
} from '../src/index.js';

const INSTALL = 'apt-get install -y redis-server redis-tools redis-sentinel';
const empty = mkdtempSync(join(tmpdir(), 'rts-empty-path-'));

afterAll(() => rmSync(empty, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('missing binaries', () => {
  it('the install command is the documented one', () => {
    expect(REDIS_INSTALL_COMMAND).toBe(INSTALL);
  });

  it('resolveBinary finds redis-server on PATH', () => {
    expect(resolveBinary('redis-server')).toMatch(/redis-server$/);
  });

  it('resolveBinary says how to install redis-server when PATH lacks it', () => {
    const attempt = () => resolveBinary('redis-server', {}, { PATH: empty });
    expect(attempt).toThrow(MissingBinaryError);
    expect(attempt).toThrow(INSTALL);
  });

  it('startStandalone with a PATH without redis-server says how to install it', async () => {
    vi.stubEnv('PATH', empty);
    await expect(startStandalone()).rejects.toThrow(INSTALL);
    await expect(redisServersSetup({ standalone: true, env: {} })).rejects.toThrow(INSTALL);
  });

  it('an explicit binary path that does not exist says how to install it', async () => {
    const error = await startStandalone({
      binaries: { redisServer: join(empty, 'redis-server') },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingBinaryError);
    expect((error as MissingBinaryError).binary).toBe('redis-server');
    expect((error as Error).message).toContain(INSTALL);
  });

  it('the cluster needs redis-cli, the TLS server openssl', async () => {
    await expect(
      startCluster({ binaries: { redisCli: join(empty, 'redis-cli') } }),
    ).rejects.toThrow(
      /redis-cli was not found.*apt-get install -y redis-server redis-tools redis-sentinel/s,
    );
    await expect(startTls({ binaries: { openssl: join(empty, 'openssl') } })).rejects.toThrow(
      /openssl was not found.*apt-get install -y openssl/s,
    );
  });

  it('the sentinel falls back to redis-server --sentinel without redis-sentinel', async () => {
    const topology = await startSentinel({
      binaries: { redisSentinel: join(empty, 'redis-sentinel') },
    });
    try {
      expect(topology.sentinel.describe().args.at(-1)).toBe('--sentinel');
      expect(
        await topology.sentinel.cli('SENTINEL', 'get-master-addr-by-name', topology.masterName),
      ).toBe(`127.0.0.1\n${topology.master.port}`);
    } finally {
      await topology.stop();
    }
  });
});
