import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS, keySlot } from '../src/index.js';

// Slots as `CLUSTER KEYSLOT` of redis-server 7.0 answered them (the matrix also compares a fuzz
// of keys with a live cluster).
const KNOWN: readonly [string, number][] = [
  ['', 0],
  ['123456789', 12739],
  ['{user1000}.following', 3443],
  ['foo{}{bar}', 8363],
  ['foo{{bar}}zap', 4015],
  ['foo{bar}{zap}', 5061],
  ['a{}b}c', 2041],
  ['u{}{b}', 9884],
  ['ctx::a{}b}c', 7263],
  ['ctx::u{}{b}', 15674],
  ['{', 4092],
  ['}', 12090],
  ['{}', 15257],
  ['a{b', 13340],
  ['}{a}', 15495],
  ['x{a}', 15495],
  ['ctx::{a}', 15495],
  ['ctx::{{a}}', 10276],
  ['ctx::}{a}', 15495],
  ['ctx::{a', 6412],
  ['ctx::a}', 9737],
  ['ctx::x{', 16164],
  ['ctx::{}', 2737],
  ['ctx::{{}}', 4092],
  ['ctx::a{b}c{d}', 3300],
  ['ctx::会话{中}', 3858],
  ['ctx::会话{}x}', 10007],
];

describe('keySlot', () => {
  it.each(KNOWN)('puts %j in slot %i, as Redis does', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it('hashes the whole key when the first tag is empty, even with a later tag', () => {
    // cluster-key-slot would hash "b" here, and route the key to the wrong master.
    expect(keySlot('u{}{b}')).not.toBe(keySlot('b'));
    expect(keySlot('x{b}')).toBe(keySlot('b'));
  });

  it('always answers a slot of the cluster', () => {
    for (let i = 0; i < 1000; i += 1) {
      const slot = keySlot(`k${i}{${i % 7}}${'}'.repeat(i % 3)}`);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(CLUSTER_SLOTS);
    }
  });
});
