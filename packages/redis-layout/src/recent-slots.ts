import {
  DEFAULT_LATEST,
  type LoadWindows,
  TURN_FIELDS,
  type TurnField,
} from '@context-storage/core';
import type { StoredContext } from '@context-storage/core/adapter';
import type { RedisReply } from './connection.js';
import { asArray, bytesText, ITEM_TAGS, MAIN_FIELDS } from './layout.js';
import { parseLoadContext } from './load-context.js';

/**
 * Recent slots: besides its item fields (`l:7`), a context keeps a copy of its latest items in
 * fixed fields, so that the usual load (the default windows) is one plain HMGET, with no script
 * and no bytes through Lua. Slot `s` of a field (`l@s`, its turn id in `l#s`) holds the item of
 * the greatest turn id `t` with `t mod RECENT_SLOTS = s`; after that item is deleted, `l#s` holds
 * `?t` (every item of this slot is older than `t`, which one is unknown). WRITE_CONTEXT keeps
 * the slots at a cost bounded by the items it writes: the write plans them in Node (which slot
 * each written item may take), the script compares the turn ids.
 *
 * For a window of at most RECENT_SLOTS turns ending at the current turn, each turn of the window
 * has its own slot, and a slot can only be ahead of its turn with items beyond the current turn:
 * only then (or with damaged slots) does a load need the script after all.
 */
export const RECENT_SLOTS = DEFAULT_LATEST;

/** The field of slot `slot` of a turn field: `l@2`. */
export function slotField(field: TurnField, slot: number): string {
  return `${ITEM_TAGS[field]}@${slot}`;
}

/** The field holding the turn id of slot `slot`'s item: `l#2`. */
export function slotTurnField(field: TurnField, slot: number): string {
  return `${ITEM_TAGS[field]}#${slot}`;
}

/** The slot of a turn id. */
export function slotOf(turnId: number): number {
  return turnId % RECENT_SLOTS;
}

/** Whether the slots can serve a load with these windows: each at most RECENT_SLOTS turns. */
export function servedBySlots(windows: LoadWindows): boolean {
  return TURN_FIELDS.every((field) => {
    const window = windows[field];
    return window !== 'all' && window <= RECENT_SLOTS;
  });
}

/** The RECENT_SLOTS fields of one turn field named by `name` (`slotField` or `slotTurnField`). */
function slotsOf(field: TurnField, name: (field: TurnField, slot: number) => string): string[] {
  return Array.from({ length: RECENT_SLOTS }, (_, slot) => name(field, slot));
}

/** Every slot's payload field, field by field, in the order of {@link SLOT_TURN_FIELDS}. */
export const SLOT_FIELDS: readonly string[] = Object.freeze(
  TURN_FIELDS.flatMap((field) => slotsOf(field, slotField)),
);

/** Every slot's turn id field, field by field: what WRITE_CONTEXT reads to keep the slots. */
export const SLOT_TURN_FIELDS: readonly string[] = Object.freeze(
  TURN_FIELDS.flatMap((field) => slotsOf(field, slotTurnField)),
);

/** The HMGET fields of a load from the slots: main fields, then per turn field slots and turns. */
export const RECENT_LOAD_FIELDS: readonly string[] = Object.freeze([
  ...MAIN_FIELDS,
  ...TURN_FIELDS.flatMap((field) => [
    ...slotsOf(field, slotField),
    ...slotsOf(field, slotTurnField),
  ]),
]);

/**
 * Where slot `slot` of the turn field at `fieldIndex` (in TURN_FIELDS) stands in an HMGET of
 * {@link RECENT_LOAD_FIELDS}: its payload and its turn id.
 */
export function slotPlace(fieldIndex: number, slot: number): { payload: number; turn: number } {
  const at = MAIN_FIELDS.length + fieldIndex * 2 * RECENT_SLOTS;
  return { payload: at + slot, turn: at + RECENT_SLOTS + slot };
}

/** A slot's turn id field read: `'7'` holds turn 7, `'?7'` held it until its delete. */
export function parseHeld(text: string): { turnId: number; pending: boolean } {
  const pending = text.startsWith('?');
  return { turnId: Number(pending ? text.slice(1) : text), pending };
}

/** The reply of {@link parseRecentLoad} when the slots cannot tell: load with LOAD_CONTEXT. */
export const NEEDS_SCRIPT = Symbol('needs LOAD_CONTEXT');

const TURN_AT = MAIN_FIELDS.indexOf('turn');

/**
 * Reads the HMGET of {@link RECENT_LOAD_FIELDS}: `undefined` when none of them exists (no
 * context), {@link NEEDS_SCRIPT} when a slot cannot tell whether an item of a window exists.
 *
 * @throws `LayoutVersionError` (a `CorruptDataError`) for a context of another layout version
 * @throws `CorruptDataError` for a reply of the wrong shape or a missing payload
 */
export function parseRecentLoad(
  id: string,
  reply: RedisReply,
  windows: LoadWindows,
): StoredContext | undefined | typeof NEEDS_SCRIPT {
  const parts = asArray(id, reply);
  const missing = (value: RedisReply | undefined) => value === null || value === undefined;
  if (parts.every(missing)) return undefined;
  const main = parts.slice(0, MAIN_FIELDS.length);
  // Slots without main fields: damaged, which the script tells apart from no context.
  if (main.every(missing)) return NEEDS_SCRIPT;
  const turnReply = main[TURN_AT];
  const turn = turnReply === null || turnReply === undefined ? 0 : Number(bytesText(turnReply));
  // A damaged turn: the script and core report it exactly as before.
  if (!Number.isSafeInteger(turn) || turn < 0) return NEEDS_SCRIPT;
  const lists: RedisReply[][] = [];
  for (const [offset, field] of TURN_FIELDS.entries()) {
    const window = windows[field] as number;
    const items: RedisReply[] = [];
    const present = turnReply === null || turnReply === undefined ? 0 : window;
    for (let turnId = Math.max(0, turn - present + 1); turnId <= turn && present > 0; turnId++) {
      const place = slotPlace(offset, slotOf(turnId));
      const held = parts[place.turn];
      if (held === null || held === undefined) continue; // no item of this slot at all
      const { turnId: heldTurn, pending } = parseHeld(bytesText(held));
      if (!Number.isSafeInteger(heldTurn)) return NEEDS_SCRIPT;
      if (pending ? turnId >= heldTurn : turnId > heldTurn) continue; // it has no item
      if (pending || heldTurn !== turnId) return NEEDS_SCRIPT; // a later item hides this one
      const payload = parts[place.payload];
      if (payload === null || payload === undefined) return NEEDS_SCRIPT;
      items.push(turnId, payload);
    }
    lists.push(items);
  }
  return parseLoadContext(id, [...main, ...lists]);
}
