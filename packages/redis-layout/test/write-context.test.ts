import { describe, expect, it } from 'vitest';
import {
  itemField,
  MAIN_FIELD,
  NO_SLOTS,
  planSlots,
  RECENT_SLOTS,
  SLOT_TURN_FIELDS,
  slotIndex,
  slotTurnField,
  writeContextArgs,
} from '../src/index.js';

const main = { currentTurnId: 7, createdAt: 1, updatedAt: 2 };
const bytes = (text: string) => new TextEncoder().encode(text);

describe('writeContextArgs: the slot plan', () => {
  it('points each set item at its slot and at its payload in ARGV (Lua indexes from 1)', () => {
    const args = writeContextArgs({
      id: 'a',
      expectedVersion: 3,
      expectedCreatedAt: 1,
      replace: false,
      main,
      set: [
        { field: 'labels', turnId: 7, payload: bytes('L7') },
        { field: 'requests', turnId: 7, payload: bytes('Q7') },
        { field: 'responses', turnId: 5, payload: bytes('R5') },
      ],
      delete: [{ field: 'requests', turnId: 2 }],
    });
    const argv = (index: number) => args[index - 1];
    expect(args.slice(0, 6)).toEqual(['3', '1', '0', '0', '1', itemField('requests', 2)]);
    expect(argv(7)).toBe('4'); // four candidates: the delete first
    const plan = args.slice(7, 7 + 12).map(String);
    const triples = [0, 3, 6, 9].map((at) => plan.slice(at, at + 3));
    // The delete: its slot, its turn id, no payload.
    expect(triples[0]).toEqual([
      String(SLOT_TURN_FIELDS.indexOf(slotTurnField('requests', 2 % RECENT_SLOTS)) + 1),
      '2',
      '0',
    ]);
    const sets = [
      ['labels', 7, 'L7'],
      ['requests', 7, 'Q7'],
      ['responses', 5, 'R5'],
    ] as const;
    sets.forEach(([field, turnId, payload], index) => {
      const [slot, turn, at] = triples[index + 1]!;
      expect(SLOT_TURN_FIELDS[Number(slot) - 1]).toBe(slotTurnField(field, turnId % RECENT_SLOTS));
      expect(turn).toBe(String(turnId));
      expect(new TextDecoder().decode(argv(Number(at)) as Uint8Array)).toBe(payload);
      expect(argv(Number(at) - 1)).toBe(itemField(field, turnId));
    });
  });

  it('plans nothing for a write of main fields only', () => {
    const args = writeContextArgs({ id: 'a', replace: true, main, set: [], delete: [] });
    expect(args.slice(0, 6)).toEqual(['-1', '', '1', '0', '0', '0']);
    expect(args.slice(6)).toEqual([
      MAIN_FIELD.turn,
      '7',
      MAIN_FIELD.created,
      '1',
      MAIN_FIELD.updated,
      '2',
    ]);
  });
});

describe('writeContextArgs: slots decided in Node', () => {
  it('sends -m triples naming what each changed slot takes, payloads once', () => {
    const write = {
      id: 'a',
      expectedVersion: 3,
      expectedCreatedAt: 1,
      replace: false,
      main,
      set: [
        { field: 'requests' as const, turnId: 7, payload: bytes('Q7') },
        { field: 'requests' as const, turnId: 4, payload: bytes('Q4') },
      ],
      delete: [{ field: 'labels' as const, turnId: 6 }],
    };
    // Before: the labels slot of turn 6 holds 6; the requests slot of 7 and 4 (both 1 mod 3) holds 1.
    const held = [...NO_SLOTS];
    held[slotIndex('labels', 6)] = '6';
    held[slotIndex('requests', 1)] = '1';
    const plan = planSlots(held, write);
    const args = writeContextArgs(write, plan);
    const argv = (index: number) => args[index - 1];
    expect(args.slice(0, 6)).toEqual(['3', '1', '0', '0', '1', itemField('labels', 6)]);
    expect(argv(7)).toBe('-2'); // two slots change: labels@0 to ?6, requests@1 to 7 (4 is older)
    const triples = [8, 11].map((at) => args.slice(at - 1, at + 2).map(String));
    expect(triples[0]).toEqual([String(slotIndex('labels', 6) + 1), '6', '0']);
    const [slot, turn, at] = triples[1]!;
    expect([Number(slot) - 1, turn]).toEqual([slotIndex('requests', 7), '7']);
    expect(new TextDecoder().decode(argv(Number(at)) as Uint8Array)).toBe('Q7');
    expect(plan.held[slotIndex('labels', 6)]).toBe('?6');
    expect(plan.held[slotIndex('requests', 7)]).toBe('7');
    // Each payload crosses once: the items' own fields, nothing more.
    expect(args.filter((arg) => typeof arg !== 'string')).toHaveLength(2);
  });
});
