import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContextStorage } from '@context-storage/core';
import { dialog, randomId } from '@context-storage/core/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, PgliteDirectoryInUseError, PostgresContextStorage } from '../src/index.js';
import { randomPrefix } from './matrix.js';

const HOLDER = fileURLToPath(new URL('./fixtures/pglite-holder.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'context-storage-pglite-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the holder process; resolves once it printed "ready", with what it saved. */
function startHolder(
  prefix: string,
  count: number,
): Promise<{ child: ChildProcess; saved: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir, prefix, String(count)], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('ready\n')) {
        const saved = out
          .split('\n')
          .flatMap((line) => (line.startsWith('saved ') ? [line.slice(6)] : []));
        resolve({ child, saved });
      }
    });
    child.stderr!.on('data', (chunk) => {
      err += chunk;
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('pglite://dir', () => {
  it('survives closing and reopening: every context and TTL intact', async () => {
    const prefix = randomPrefix();
    const uri = `pglite://${dir}`;
    const first = await PostgresContextStorage.connect(uri, { prefix });
    const [kept, short, lasting] = [randomId('kept'), randomId('short'), randomId('lasting')];
    await first.setItem(kept, dialog(kept, 5));
    // Long enough to outlive the close and reopen on a loaded machine (2.5 s did not, once).
    await first.setItem(short, dialog(short, 1), { ttlMs: 8_000 });
    await first.setItem(lasting, dialog(lasting, 2), { ttlMs: 3_600_000 });
    const before = await first.getItems([kept, short, lasting]);
    await first.close(); // the last storage on the directory: the instance closes

    const second = await PostgresContextStorage.connect(uri, { prefix });
    try {
      expect(second.location).toBe(first.location);
      const after = await second.getItems([kept, short, lasting], { latest: 'all' });
      expect(after.map((context) => context?.expiresAt)).toEqual(
        before.map((context) => context?.expiresAt),
      );
      expect(after[0]?.requests.keys()).toEqual([1, 2, 3, 4, 5]);
      expect(after[1]?.expiresAt).toBeGreaterThan(Date.now());
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, after[1]!.expiresAt! - Date.now() + 100)),
      );
      expect(await second.contains(short)).toBe(false); // it still expires, after the reopen
      expect(await second.contains(lasting)).toBe(true);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('storages of one process on one directory share one instance', async () => {
    const prefix = randomPrefix();
    const [a, b] = await Promise.all([
      PostgresContextStorage.connect(`pglite://${dir}`, { prefix }),
      createContextStorage(`pglite://${dir}/`, { prefix }),
    ]);
    expect(b).toBeInstanceOf(PostgresContextStorage);
    const id = randomId();
    await a.setItem(id, dialog(id, 2));
    await a.close();
    expect((await b.getItem(id))?.currentTurnId).toBe(2); // still open for b
    await b.close();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false); // released with the last one
  }, 60_000);

  it('refuses a directory a live process holds, and takes over the lock of one killed', async () => {
    const prefix = randomPrefix();
    const { child, saved } = await startHolder(prefix, 3);
    const refused = await PostgresContextStorage.connect(`pglite://${dir}`, { prefix }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(PgliteDirectoryInUseError);
    expect(refused).toMatchObject({
      code: 'CONNECTION',
      directory: dir,
      holder: { pid: child.pid },
    });
    expect(String((refused as Error).message)).toMatch(
      new RegExp(`${dir} is in use by process ${child.pid}`),
    );

    child.kill('SIGKILL'); // leaves its lock file behind
    await exited(child);
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(true);
    const storage = await PostgresContextStorage.connect(`pglite://${dir}`, { prefix });
    try {
      const loaded = await storage.getItems(saved, { latest: 'all' });
      expect(saved).toEqual(['held-0', 'held-1', 'held-2']);
      expect(loaded.map((context) => context?.currentTurnId)).toEqual([3, 3, 3]);
    } finally {
      await storage.close();
    }
  }, 60_000);
});
