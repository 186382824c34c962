import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomId } from '@context-storage/core/conformance';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { PostgresContextStorage } from '../src/index.js';
import { ownerUri, randomPrefix } from './matrix.js';

const WORKER = fileURLToPath(new URL('./fixtures/update-worker.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Runs the worker as its own node process; resolves its stderr when it exits 0. */
function runWorker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(stderr) : reject(new Error(`worker exited with ${code}: ${stderr}`)),
    );
  });
}

describe('pg (server), several processes', () => {
  it('four processes with 16 concurrent updates each on one context lose no turn, and create the schema once', async () => {
    // A fresh schema: the four processes also race to create it.
    const schema = `race_${randomId('s').slice(2).replace(/-/g, '_')}`;
    const prefix = randomPrefix();
    const uri = ownerUri(`&schema=${schema}&prefix=${prefix}&updateRetries=200`);
    const id = randomId('shared');
    await Promise.all(['a', 'b', 'c', 'd'].map((tag) => runWorker([uri, id, '16', tag])));

    const storage = await PostgresContextStorage.connect(uri);
    const admin = new pg.Client({ connectionString: inject('postgresTest').ownerUrl });
    await admin.connect();
    try {
      const context = (await storage.getItem(id, { latest: 'all' }))!;
      const requests = context.requests.entries().map(([, request]) => request as string);
      const expected = ['a', 'b', 'c', 'd'].flatMap((tag) =>
        Array.from({ length: 16 }, (_, writer) => `${tag}-${writer}`),
      );
      expect(requests.sort()).toEqual(expected.sort());
      expect(context.currentTurnId).toBe(64);
      expect(context.version).toBe(64);
      const { rows } = await admin.query(`SELECT name, version FROM ${schema}.layout`);
      expect(rows).toEqual([{ name: 'context-storage', version: 1 }]);
    } finally {
      await storage.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  }, 120_000);
});
