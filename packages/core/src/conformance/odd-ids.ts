import assert from 'node:assert/strict';
import { collect, loadFull, saveDialog } from './fixtures.js';
import type { TestGroup } from './suite.js';

const ODD_IDS = [
  'with space',
  'glob*star',
  'glob?mark',
  '[brackets]',
  '{braces}',
  'colon:in:id',
  'back\\slash',
  'percent%2F',
  'slash/and.dot',
  'new\nline',
  'ünïcödé',
  '会话-标识',
  'emoji 🤖💬',
  '*',
  ':',
  '{}',
  'x'.repeat(1024),
];

/** Ids that share prefixes or hold characters that glob patterns, key syntax or SQL treat specially. */
export const oddIds: TestGroup = ({ test }) => {
  test('ids sharing a prefix never touch each other', async ({ open }) => {
    const storage = await open();
    const ids = ['1', '10', '1:0', '10:1', '1*', '1?', '1:', '01'];
    for (const [index, id] of ids.entries()) await saveDialog(storage, id, index + 1, { id });
    assert.equal(await storage.delItem('1'), true, "delItem('1') of a stored id is true");
    // Each id first, then the count: a failure names the id that was disturbed.
    for (const [index, id] of ids.entries()) {
      if (id === '1') continue;
      const after = "after delItem('1')";
      assert.equal(await storage.contains(id), true, `${after}, contains('${id}') is still true`);
      const loaded = await loadFull(storage, id);
      assert.deepEqual(loaded.misc, { id }, `${after}, getItem('${id}') returns its own misc`);
      assert.equal(
        loaded.currentTurnId,
        index + 1,
        `${after}, getItem('${id}') returns its currentTurnId ${index + 1}`,
      );
      assert.equal(
        loaded.requests.size,
        index + 1,
        `${after}, getItem('${id}') holds its ${index + 1} requests`,
      );
    }
    assert.equal(
      await storage.len(),
      ids.length - 1,
      `after delItem('1') of ${ids.length} ids sharing its prefix, len() is ${ids.length - 1}`,
    );
  });

  test('odd characters and 1 KB ids round-trip through every method', async ({ open }) => {
    const storage = await open();
    for (const id of ODD_IDS) await saveDialog(storage, id, 2, { id });
    assert.equal(
      await storage.len(),
      ODD_IDS.length,
      `after setItem of ${ODD_IDS.length} odd ids, len() is ${ODD_IDS.length}`,
    );
    const loaded = await storage.getItems(ODD_IDS, { latest: 'all' });
    for (const [index, id] of ODD_IDS.entries()) {
      const shown = JSON.stringify(
        id.length > 40 ? `${id.slice(0, 20)}… (${id.length} chars)` : id,
      );
      assert.equal(loaded[index]?.id, id, `getItems answers ${shown} with a context of that id`);
      assert.deepEqual(loaded[index]?.misc, { id }, `getItems returns the misc of ${shown}`);
      assert.equal(loaded[index]?.requests.size, 2, `getItems holds the 2 requests of ${shown}`);
      assert.equal(await storage.contains(id), true, `contains(${shown}) after setItem is true`);
    }
    if (storage.capabilities.listIds) {
      assert.deepEqual(
        (await collect(storage.ids())).sort(),
        [...ODD_IDS].sort(),
        'ids() yields every odd id as it was saved',
      );
    }
    assert.equal(
      await storage.delItems(ODD_IDS.slice(0, 8)),
      8,
      'delItems of the first 8 odd ids returns 8',
    );
    assert.equal(
      await storage.len(),
      ODD_IDS.length - 8,
      `after delItems of 8 odd ids, len() is ${ODD_IDS.length - 8}`,
    );
    for (const id of ODD_IDS.slice(8)) {
      assert.equal(
        await storage.contains(id),
        true,
        `after delItems of 8 other odd ids, contains(${JSON.stringify(id.slice(0, 40))}) is still true`,
      );
    }
  });

  test('a glob id does not match other ids', async ({ open }) => {
    const storage = await open();
    await saveDialog(storage, 'abc', 1);
    await saveDialog(storage, 'a*', 1);
    await saveDialog(storage, 'a?c', 1);
    assert.equal(await storage.delItem('a*'), true, "delItem('a*') of a stored id is true");
    assert.equal(
      await storage.delItem('a?c'),
      true,
      "after delItem('a*'), delItem('a?c') is true: 'a?c' was still stored",
    );
    assert.equal(
      await storage.contains('abc'),
      true,
      "after delItem('a*') and delItem('a?c'), contains('abc') is still true",
    );
    assert.equal(await storage.len(), 1, "after delItem('a*') and delItem('a?c'), len() is 1");
  });
};
