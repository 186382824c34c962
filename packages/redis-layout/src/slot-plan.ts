import { TURN_FIELDS, type TurnField } from '@context-storage/core';
import type { ContextWrite } from '@context-storage/core/adapter';
import type { RedisReply } from './connection.js';
import { bytesText } from './layout.js';
import { parseHeld, RECENT_SLOTS, SLOT_TURN_FIELDS, slotOf, slotPlace } from './recent-slots.js';

/**
 * What the recent slots hold, slot by slot in {@link SLOT_TURN_FIELDS} order: the turn id `'t'` of
 * the item a slot holds, `'?t'` after that item was deleted, `undefined` for a slot never used.
 */
export type SlotTurns = readonly (string | undefined)[];

/** The slots of a context that has none yet (created or wholly overwritten). */
export const NO_SLOTS: SlotTurns = Object.freeze(SLOT_TURN_FIELDS.map(() => undefined));

/** The slot number of a turn item in {@link SLOT_TURN_FIELDS}, from 0. */
export function slotIndex(field: TurnField, turnId: number): number {
  return TURN_FIELDS.indexOf(field) * RECENT_SLOTS + slotOf(turnId);
}

const HELD = /^\??\d+$/;

/**
 * The slots' turn ids in an HMGET of `RECENT_LOAD_FIELDS`, or `undefined` when one is damaged
 * (the write script then decides the slots itself).
 */
export function slotTurnsOf(reply: readonly RedisReply[]): SlotTurns | undefined {
  const turns: (string | undefined)[] = [];
  for (const [offset] of TURN_FIELDS.entries()) {
    for (let slot = 0; slot < RECENT_SLOTS; slot++) {
      const value = reply[slotPlace(offset, slot).turn];
      if (value === null || value === undefined) {
        turns.push(undefined);
        continue;
      }
      const text = bytesText(value);
      if (!HELD.test(text)) return undefined;
      turns.push(text);
    }
  }
  return turns;
}

/** One slot a write changes, decided in Node: it takes item `item` of the write's `set`, or `?turnId`. */
export interface SlotDecision {
  /** The slot, from 0, in {@link SLOT_TURN_FIELDS} order. */
  readonly slot: number;
  readonly turnId: number;
  /** Index in the write's `set` of the item the slot takes; `undefined`: the slot's item was deleted. */
  readonly item: number | undefined;
}

/** The slots a write changes, decided in Node, and what the slots hold after it. */
export interface SlotPlan {
  /** One per slot changed, in the order first changed. */
  readonly decisions: readonly SlotDecision[];
  /** The slots after the write. */
  readonly held: SlotTurns;
}

/**
 * Decides the recent slots of a write from what they hold before it, by the rules WRITE_CONTEXT
 * applies when it decides them itself (deletes first, then sets, in the write's order): an item
 * takes its slot when the slot is unused or holds (or held) a turn id not greater than the item's;
 * deleting the item a slot holds leaves `?t`. Cost: a comparison per item written.
 */
export function planSlots(before: SlotTurns, write: ContextWrite): SlotPlan {
  const held = [...before];
  const decided = new Map<number, SlotDecision>();
  for (const { field, turnId } of write.delete) {
    const slot = slotIndex(field, turnId);
    if (held[slot] === String(turnId)) {
      held[slot] = `?${turnId}`;
      decided.set(slot, { slot, turnId, item: undefined });
    }
  }
  write.set.forEach(({ field, turnId }, item) => {
    const slot = slotIndex(field, turnId);
    const now = held[slot];
    if (now === undefined || turnId >= parseHeld(now).turnId) {
      held[slot] = String(turnId);
      decided.set(slot, { slot, turnId, item });
    }
  });
  return { decisions: [...decided.values()], held };
}

/** What a driver knows of a context's slots: as of the stored version and creation time. */
interface KnownSlots {
  readonly version: number;
  readonly createdAt: number;
  readonly held: SlotTurns;
}

/**
 * The slots of the contexts a driver loaded or wrote last, so that the next save of the same
 * version decides them in Node (the script then reads and compares nothing for them). Only ever a
 * shortcut: a save of another version, or after this was forgotten, lets the script decide; and
 * the script's version check refuses any save whose stored context changed since. Cost: one
 * entry of ~200 bytes per context, at most `limit` (the least recently used go first).
 */
export class SlotMemory {
  readonly #known = new Map<string, KnownSlots>();

  constructor(readonly limit = 10_000) {}

  /** Remembers the slots of `id` at a version. */
  remember(id: string, known: KnownSlots): void {
    this.#known.delete(id);
    this.#known.set(id, known);
    if (this.#known.size > this.limit) {
      this.#known.delete(this.#known.keys().next().value as string);
    }
  }

  /** Forgets `id`. */
  forget(id: string): void {
    this.#known.delete(id);
  }

  /** Forgets every context. */
  clear(): void {
    this.#known.clear();
  }

  /**
   * The slot plan of a write decided in Node: always for a whole overwrite (every slot starts
   * anew); for a save expecting the version and creation time remembered; else `undefined`.
   */
  plan(write: ContextWrite): SlotPlan | undefined {
    if (write.replace) return planSlots(NO_SLOTS, write);
    const known = this.#known.get(write.id);
    if (
      known === undefined ||
      write.expectedVersion !== known.version ||
      write.expectedCreatedAt !== known.createdAt
    ) {
      return undefined;
    }
    return planSlots(known.held, write);
  }
}
