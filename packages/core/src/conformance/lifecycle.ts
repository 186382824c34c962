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
    assert.ok(context, `getItem('${id}') after setItem finds it`);
    assert.equal(storage.closed, false, 'a storage reports closed before close() was called');
    await storage.close();
    await storage.close(); // idempotent
    assert.equal(storage.closed, true, 'after close(), storage.closed is true');
    const calls: [string, () => Promise<unknown>][] = [
      ['contains()', () => storage.contains(id)],
      ['getItem()', () => storage.getItem(id)],
      ['getItems()', () => storage.getItems([id])],
      ['getItems([])', () => storage.getItems([])],
      ['setItem()', () => storage.setItem(id, new Context(id))],
      ['setItems()', () => storage.setItems([[id, new Context(id)]])],
      ['delItem()', () => storage.delItem(id)],
      ['delItems()', () => storage.delItems([id])],
      ['len()', () => storage.len()],
      ['clear()', () => storage.clear()],
      ['update()', () => storage.update(id, () => {})],
      ['ids()', () => collect(storage.ids())],
      ['requests.fetch(1)', () => context.requests.fetch(1)],
    ];
    for (const [name, call] of calls) {
      await rejectsWith(call(), 'CLOSED', `${name} after close()`);
    }
  });

  test('close() waits for calls in flight', async ({ open, hooks }) => {
    const storage = await open();
    const witness = hooks.reopen === undefined ? undefined : await hooks.reopen(storage);
    const [saved, updated] = [randomId('saved'), randomId('updated')];
    const saving = storage.setItem(saved, new Context(saved, { misc: { landed: true } }));
    const updating = storage.update(updated, async (context) => {
      await new Promise((resolve) => setTimeout(resolve, 20)); // close() is called meanwhile
      context.addTurn({ request: 'finished after close() was called' });
    });
    let updateSettled = false;
    void updating.finally(() => {
      updateSettled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    await storage.close();
    assert.equal(updateSettled, true, 'close() resolved while an update was still in flight');
    await saving;
    assert.equal(
      (await updating).version,
      1,
      'an update() in flight when close() was called resolves its saved context, version 1',
    );
    if (witness !== undefined) {
      assert.deepEqual(
        (await witness.getItem(saved))?.misc,
        { landed: true },
        `a setItem('${saved}') in flight when close() was called is stored`,
      );
      assert.equal(
        (await witness.getItem(updated))?.requests.get(1),
        'finished after close() was called',
        `an update('${updated}') in flight when close() was called is stored`,
      );
    }
  });

  test('Symbol.asyncDispose closes the storage', async ({ open }) => {
    const storage = await open();
    await storage[Symbol.asyncDispose]();
    await rejectsWith(storage.len(), 'CLOSED', 'len() after Symbol.asyncDispose');
  });
};
