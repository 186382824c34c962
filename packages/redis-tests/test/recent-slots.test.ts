import { type Context, CorruptDataError, TURN_FIELDS } from '@context-storage/core';
import type { ContextWrite, ItemRef, ItemWrite } from '@context-storage/core/adapter';
import { dialog, randomId } from '@context-storage/core/conformance';
import {
  MAIN_FIELDS,
  NO_SLOTS,
  planSlots,
  RECENT_SLOTS,
  type SlotTurns,
  slotOf,
  slotTurnField,
  WRITE_CONTEXT,
  writeContextArgs,
} from '@context-storage/redis-layout';
import { describe, expect, it } from 'vitest';
import {
  ADAPTERS,
  contextKey,
  type RedisStorage,
  randomPrefix,
  rawClient,
  topologyUri,
} from './matrix.js';

/** A reproducible `random(n)` in `0..n-1` (a linear congruential generator from `seed`). */
function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

/**
 * What a load with the default windows (served by the recent slots) must hold: exactly the items
 * of the latest RECENT_SLOTS turns that a load of every item (by the script) finds.
 */
async function expectSlotsAgreeWithScript(storage: RedisStorage, id: string): Promise<void> {
  const recent = (await storage.getItem(id)) as Context;
  const everything = (await storage.getItem(id, { latest: 'all' })) as Context;
  expect(recent.currentTurnId).toBe(everything.currentTurnId);
  const turn = everything.currentTurnId;
  for (const field of TURN_FIELDS) {
    const expected = everything[field]
      .entries()
      .filter(([turnId]) => turnId > turn - RECENT_SLOTS && turnId <= turn);
    expect(
      recent[field].entries().sort(([a], [b]) => a - b),
      field,
    ).toEqual(expected);
  }
}

for (const row of ADAPTERS) {
  describe.each(['standalone', 'cluster'] as const)(`${row.name} (%s)`, (topology) => {
    const open = () => row.connect(topologyUri(topology), { prefix: randomPrefix() });

    it('loads the latest items from the slots as the script does, through every kind of save', async () => {
      const storage = await open();
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, 10));
        await expectSlotsAgreeWithScript(storage, id);

        // Deleting items of the window, the latest one included.
        let context = (await storage.getItem(id))!;
        context.requests.delete(9);
        context.responses.delete(10);
        await storage.setItem(id, context);
        await expectSlotsAgreeWithScript(storage, id);
        expect((await storage.getItem(id))!.responses.has(10)).toBe(false);

        // Setting it again, and rewriting an old item that no slot holds.
        context = (await storage.getItem(id))!;
        context.responses.set(10, { text: 'again' });
        context.requests.set(2, { text: 'rewritten' });
        await storage.setItem(id, context);
        await expectSlotsAgreeWithScript(storage, id);
        expect((await storage.getItem(id))!.responses.get(10)).toEqual({ text: 'again' });

        // New turns push the deleted ones out of the window.
        context = (await storage.getItem(id))!;
        for (let turn = 0; turn < RECENT_SLOTS + 1; turn++) {
          context.addTurn({ request: `more ${turn}`, label: ['flow', 'more'] });
        }
        await storage.setItem(id, context);
        await expectSlotsAgreeWithScript(storage, id);

        // Items beyond the current turn: the slots cannot tell, the script answers.
        context = (await storage.getItem(id))!;
        context.currentTurnId -= 5;
        await storage.setItem(id, context);
        await expectSlotsAgreeWithScript(storage, id);
        // Turn 9's request was deleted above; turn 8's is in the window, hidden by turn 14's.
        expect(context.currentTurnId).toBe(9);
        expect((await storage.getItem(id))!.requests.has(8)).toBe(true);

        // A whole new context saved over it.
        await storage.delItem(id);
        await storage.setItem(id, dialog(id, 2));
        await expectSlotsAgreeWithScript(storage, id);
      } finally {
        await storage.close();
      }
    });

    it('agrees with the script over a random sequence of saves (seeded)', async () => {
      const storage = await open();
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, 4));
        const random = seededRandom(20261201);
        for (let step = 0; step < 40; step++) {
          const context = (await storage.getItem(id, { latest: 'all' }))!;
          const turn = context.currentTurnId;
          const field = TURN_FIELDS[random(TURN_FIELDS.length)]!;
          const target = Math.max(0, turn - random(RECENT_SLOTS * 2));
          switch (random(5)) {
            case 0:
              context.addTurn({ request: `step ${step}`, label: ['flow', `s${step}`] });
              break;
            case 1:
              context[field].delete(target);
              break;
            case 2:
              context[field].set(target, { step });
              break;
            case 3:
              context.currentTurnId = Math.max(0, turn - random(3));
              break;
            default:
              // Several turns at once, then a save of only some items of them.
              for (let more = 0; more < 1 + random(4); more++)
                context.addTurn({ response: { step } });
              context.requests.delete(context.currentTurnId - 1);
          }
          await storage.setItem(id, context);
          await expectSlotsAgreeWithScript(storage, id);
        }
      } finally {
        await storage.close();
      }
    });

    it('falls back to the script when a slot is damaged, and repairs it on the next save', async () => {
      const storage = await open();
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, 6));
        const raw = rawClient(topology);
        const key = contextKey(storage, id);
        await raw.hset(key, slotTurnField('requests', slotOf(6)), 'garbage');
        await expectSlotsAgreeWithScript(storage, id);
        const context = (await storage.getItem(id))!;
        context.requests.set(6, { text: 'fixed' });
        await storage.setItem(id, context);
        expect(await raw.hget(key, slotTurnField('requests', slotOf(6)))).toBe('6');
        expect((await storage.getItem(id))!.requests.get(6)).toEqual({ text: 'fixed' });
      } finally {
        await storage.close();
      }
    });

    it('a context that lost its main fields but not its slots is reported corrupt', async () => {
      const storage = await open();
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, 4));
        await rawClient(topology).hdel(contextKey(storage, id), ...MAIN_FIELDS);
        const error = await storage.getItem(id).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(CorruptDataError);
        expect(error).toMatchObject({ id });
      } finally {
        await storage.close();
      }
    });

    it('a window wider than the slots is loaded by the script', async () => {
      const storage = await open();
      try {
        const id = randomId();
        await storage.setItem(id, dialog(id, 8));
        const wide = (await storage.getItem(id, { latest: RECENT_SLOTS + 2 }))!;
        expect(wide.requests.keys().sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8]);
      } finally {
        await storage.close();
      }
    });
  });
}

describe('the slots decided in Node and by the script', () => {
  it('agree, write after write (seeded random writes on two keys)', async () => {
    const raw = rawClient('standalone');
    const prefix = randomPrefix();
    const [byScript, byNode] = [`${prefix}::script`, `${prefix}::node`];
    const random = seededRandom(7);
    const run = async (key: string, args: (string | Uint8Array)[]) =>
      (await raw.eval(
        WRITE_CONTEXT.source,
        1,
        key,
        ...args.map((arg) => (typeof arg === 'string' ? arg : Buffer.from(arg))),
      )) as [number, number];
    let held: SlotTurns = NO_SLOTS;
    let version = 0;
    let turn = 0;
    try {
      for (let step = 0; step < 150; step++) {
        turn = Math.max(0, turn + random(4) - 1);
        const near = () => Math.max(0, turn - random(RECENT_SLOTS * 3));
        const field = () => TURN_FIELDS[random(TURN_FIELDS.length)]!;
        const set: ItemWrite[] = Array.from({ length: random(4) }, () => ({
          field: field(),
          turnId: near(),
          payload: new TextEncoder().encode(`"step ${step}"`),
        }));
        const remove: ItemRef[] = Array.from({ length: random(3) }, () => ({
          field: field(),
          turnId: near(),
        }));
        const replace = step === 0 || random(20) === 0;
        const write: ContextWrite = {
          id: 'x',
          ...(replace ? {} : { expectedVersion: version, expectedCreatedAt: 1 }),
          replace,
          main: { currentTurnId: turn, createdAt: 1, updatedAt: 2 },
          set,
          delete: replace ? [] : remove,
        };
        const plan = planSlots(replace ? NO_SLOTS : held, write);
        const [a, b] = [
          await run(byScript, writeContextArgs(write)),
          await run(byNode, writeContextArgs(write, plan)),
        ];
        expect(a, `step ${step}`).toEqual(b);
        expect(a[0]).toBe(1);
        version = a[1];
        held = plan.held;
        expect(await raw.hgetall(byNode), `step ${step}`).toEqual(await raw.hgetall(byScript));
      }
    } finally {
      await raw.del(byScript, byNode);
    }
  });
});
