import assert from 'node:assert/strict';
import { Context } from '../context.js';
import { collect, randomId, rejectsWith, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

/** close(), Symbol.asyncDispose and use after close. */
export const lifecycle: TestGroup = ({ test }) => {
  test('every method rejects with CLOSED after close()', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    await saveDialog(storage, id, 1);
    const context = await storage.getItem(id, { latest: 0 });
    assert.ok(context);
    await storage.close();
    await storage.close(); // idempotent
    assert.equal(storage.closed, true);
    const calls: [string, () => Promise<unknown>][] = [
      ['contains', () => storage.contains(id)],
      ['getItem', () => storage.getItem(id)],
      ['getItems', () => storage.getItems([id])],
      ['getItems([])', () => storage.getItems([])],
      ['setItem', () => storage.setItem(id, new Context(id))],
      ['setItems', () => storage.setItems([[id, new Context(id)]])],
      ['delItem', () => storage.delItem(id)],
      ['delItems', () => storage.delItems([id])],
      ['len', () => storage.len()],
      ['clear', () => storage.clear()],
      ['update', () => storage.update(id, () => {})],
      ['ids', () => collect(storage.ids())],
      ['fetch', () => context.requests.fetch(1)],
    ];
    for (const [name, call] of calls) {
      await rejectsWith(call(), 'CLOSED').catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
    }
  });

  test('close() waits for calls in flight', async ({ open }) => {
    const storage = await open();
    const id = randomId();
    const saving = storage.setItem(id, new Context(id, { misc: { landed: true } }));
    await storage.close();
    await saving;
  });

  test('Symbol.asyncDispose closes the storage', async ({ open }) => {
    const storage = await open();
    await storage[Symbol.asyncDispose]();
    await rejectsWith(storage.len(), 'CLOSED');
  });
};
