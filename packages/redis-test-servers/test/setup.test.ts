import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  currentPid,
  redisCli,
  redisServersSetup,
  respCommand,
  restartServer,
} from '../src/index.js';
import { expectGone, expectRemoved } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('redisServersSetup', () => {
  it('starts every topology in parallel and provides plain JSON; teardown stops everything', async () => {
    const setup = await redisServersSetup({
      standalone: true,
      cluster: true,
      sentinel: true,
      tls: true,
      env: {},
    });
    const { provided } = setup;
    try {
      expect(JSON.parse(JSON.stringify(provided))).toEqual(provided);
      const { standalone, cluster, sentinel, tls } = provided;
      if (standalone === undefined || standalone.external) throw new Error('no standalone');
      expect(standalone.url).toBe(`redis://127.0.0.1:${standalone.server.port}`);
      expect(await redisCli(standalone.server, 'PING')).toBe('PONG');

      expect(cluster?.nodes).toHaveLength(3);
      expect(cluster?.url).toBe(`redis+cluster://${cluster?.seeds.join(',')}`);
      expect(await redisCli(cluster!.nodes[0]!, 'CLUSTER', 'INFO')).toContain('cluster_state:ok');

      expect(sentinel?.url).toBe(
        `redis+sentinel://127.0.0.1:${sentinel?.sentinel.port}/${sentinel?.masterName}`,
      );
      expect(
        await redisCli(
          sentinel!.sentinel,
          'SENTINEL',
          'get-master-addr-by-name',
          sentinel!.masterName,
        ),
      ).toBe(`127.0.0.1\n${sentinel!.master.port}`);

      expect(tls?.url).toBe(`rediss://127.0.0.1:${tls?.server.port}`);
      expect(
        await respCommand({ host: '127.0.0.1', port: tls!.server.port, tls: { ca: tls!.ca } }, [
          'PING',
        ]),
      ).toBe('PONG');

      // A restart by descriptor (as a worker does); teardown must find the new pid.
      const restarted = await restartServer(standalone.server);
      expect(currentPid(standalone.server)).toBe(restarted);

      const everything = [
        standalone.server,
        ...cluster!.nodes,
        sentinel!.master,
        sentinel!.replica,
        sentinel!.sentinel,
        tls!.server,
      ];
      await setup.teardown();
      for (const server of everything) {
        await expectGone(server.pid);
        expectRemoved(server.dir);
      }
      await expectGone(restarted);
    } finally {
      await setup.teardown();
    }
  }, 60_000);

  it('with CONTEXT_STORAGE_REDIS_URL, provides that URL instead of starting a standalone', async () => {
    const url = 'redis://127.0.0.1:6399/0';
    const setup = await redisServersSetup({
      standalone: true,
      env: { CONTEXT_STORAGE_REDIS_URL: url },
    });
    try {
      expect(setup.provided).toEqual({ standalone: { external: true, url } });
      expect(setup.servers.standalone).toBeUndefined();
    } finally {
      await setup.teardown();
    }
  });

  it('serves a real vitest run: globalSetup provides, a worker restarts, teardown cleans up', async () => {
    const require = createRequire(import.meta.url);
    const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
    const outDir = mkdtempSync(join(tmpdir(), 'rts-e2e-'));
    const out = join(outDir, 'seen.jsonl');
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, RTS_E2E_OUT: out };
      delete env.CONTEXT_STORAGE_REDIS_URL;
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            vitest,
            'run',
            '--config',
            join(here, 'fixtures/e2e/vitest.config.ts'),
            '--reporter=dot',
          ],
          { cwd: join(here, 'fixtures/e2e'), env, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.on('close', (code) => resolve({ code, output }));
      });
      expect(result.output).not.toMatch(/FAIL/);
      expect(result.code).toBe(0);
      const seen = JSON.parse(readFileSync(out, 'utf8').trim()) as {
        pids: number[];
        dirs: string[];
      };
      expect(seen.pids).toHaveLength(3);
      for (const pid of seen.pids) await expectGone(pid);
      for (const dir of seen.dirs) expectRemoved(dir);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
