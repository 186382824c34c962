import type { Context } from '@context-storage/core';
import { collect, dialog, randomId } from '@context-storage/core/conformance';
import {
  killPostgres,
  pausePostgres,
  restartPostgres,
  resumePostgres,
} from '@context-storage/test-servers';
import { describe, expect, inject, it } from 'vitest';
import { BACKENDS, TEST_TIMEOUTS } from './matrix.js';

const server = inject('postgres');
const serverRow = BACKENDS.find((row) => row.name === 'pg (server)')!;

describe('pg (server) outages', () => {
  it('paused (SIGSTOP): every method fails with CONNECTION within the bound; after SIGCONT the same storage goes on', async () => {
    const storage = await serverRow.open();
    try {
      const id = randomId();
      const context = dialog(id, 2);
      await storage.setItem(id, context);
      pausePostgres(server);
      try {
        const calls: [string, () => Promise<unknown>][] = [
          ['getItem', () => storage.getItem(id)],
          ['setItem', () => storage.setItem(id, context)],
          ['contains', () => storage.contains(id)],
          ['len', () => storage.len()],
          ['ids', () => collect(storage.ids())],
          ['delItem', () => storage.delItem(randomId())],
        ];
        for (const [name, call] of calls) {
          const started = Date.now();
          const error = await call().then(
            () => new Error(`${name} succeeded`),
            (caught: Error) => caught,
          );
          const took = Date.now() - started;
          expect((error as { code?: string }).code, `${name}: ${error.message}`).toBe('CONNECTION');
          expect(took, name).toBeLessThan(TEST_TIMEOUTS.commandTimeoutMs + 750);
        }
      } finally {
        resumePostgres(server);
      }
      context.addTurn({ request: 'after the pause' });
      // The failed save above may have landed once the server went on: either outcome is fine.
      await storage.setItem(id, context).catch((error: { code?: string }) => {
        expect(error.code).toBe('CONFLICT');
      });
      expect(await storage.contains(id)).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('killed (SIGKILL) while saving and restarted: every acknowledged turn is there, and the same storage goes on', async () => {
    const storage = await serverRow.open();
    try {
      const ids = Array.from({ length: 8 }, () => randomId());
      const acknowledged = new Map<string, number>(ids.map((id) => [id, 0]));
      let stop = false;
      const writers = ids.map(async (id) => {
        const context: Context = dialog(id, 0);
        while (!stop) {
          context.addTurn({ request: `turn ${context.currentTurnId + 1}` });
          try {
            await storage.setItem(id, context);
            acknowledged.set(id, context.currentTurnId);
          } catch {
            return; // the server is gone: whatever was not acknowledged may be lost
          }
        }
      });
      const total = () => [...acknowledged.values()].reduce((sum, turns) => sum + turns, 0);
      // Killed once the writers have been acknowledged for a while, however slow the machine.
      for (const deadline = Date.now() + 20_000; total() <= 20 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      try {
        await killPostgres(server);
        stop = true;
        await Promise.all(writers);
        expect(total()).toBeGreaterThan(20);
      } finally {
        stop = true;
        // The package's other test files share this server: never leave it dead.
        await restartPostgres(server);
      }
      let loaded: (Context | undefined)[] = [];
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          loaded = await storage.getItems(ids, { latest: 'all' });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      for (const [index, id] of ids.entries()) {
        const turns = acknowledged.get(id)!;
        const context = loaded[index];
        expect(context?.currentTurnId ?? 0).toBeGreaterThanOrEqual(turns);
        for (let turn = 1; turn <= turns; turn++) {
          expect(context!.requests.get(turn), `${id} turn ${turn}`).toBe(`turn ${turn}`);
        }
      }
    } finally {
      await storage.close();
    }
  }, 60_000);
});
