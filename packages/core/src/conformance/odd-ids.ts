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
    assert.equal(await storage.delItem('1'), true);
    assert.equal(await storage.len(), ids.length - 1);
    for (const [index, id] of ids.entries()) {
      if (id === '1') continue;
      const loaded = await loadFull(storage, id);
      assert.deepEqual(loaded.misc, { id }, `context ${id} was disturbed`);
      assert.equal(loaded.currentTurnId, index + 1);
      assert.equal(loaded.requests.size, index + 1);
    }
  });

  test('odd characters and 1 KB ids round-trip through every method', async ({ open }) => {
    const storage = await open();
    for (const id of ODD_IDS) await saveDialog(storage, id, 2, { id });
    assert.equal(await storage.len(), ODD_IDS.length);
    const loaded = await storage.getItems(ODD_IDS, { latest: 'all' });
    for (const [index, id] of ODD_IDS.entries()) {
      assert.equal(loaded[index]?.id, id);
      assert.deepEqual(loaded[index]?.misc, { id });
      assert.equal(loaded[index]?.requests.size, 2);
      assert.equal(await storage.contains(id), true, `contains(${JSON.stringify(id)})`);
    }
    if (storage.capabilities.listIds) {
      assert.deepEqual((await collect(storage.ids())).sort(), [...ODD_IDS].sort());
    }
    assert.equal(await storage.delItems(ODD_IDS.slice(0, 8)), 8);
    assert.equal(await storage.len(), ODD_IDS.length - 8);
    for (const id of ODD_IDS.slice(8)) assert.equal(await storage.contains(id), true);
  });

  test('a glob id does not match other ids', async ({ open }) => {
    const storage = await open();
    await saveDialog(storage, 'abc', 1);
    await saveDialog(storage, 'a*', 1);
    await saveDialog(storage, 'a?c', 1);
    assert.equal(await storage.delItem('a*'), true);
    assert.equal(await storage.delItem('a?c'), true);
    assert.equal(await storage.contains('abc'), true);
    assert.equal(await storage.len(), 1);
  });
};
