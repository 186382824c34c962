import { type ContextWrite, ttlLeftMs, type WriteOutcome } from '@context-storage/core/adapter';
import type { RedisReply } from './connection.js';
import { asArray, bytesText, itemField, luaNames, luaScript, MAIN_FIELD } from './layout.js';
import { LAYOUT_REFUSAL, LAYOUT_VERSION } from './layout-version.js';
import { SLOT_FIELDS, SLOT_TURN_FIELDS } from './recent-slots.js';
import { type SlotPlan, slotIndex } from './slot-plan.js';

/** What WRITE_CONTEXT reads of the stored context before writing, in this order. */
const STORED_FIELDS = [
  MAIN_FIELD.version,
  MAIN_FIELD.created,
  MAIN_FIELD.expires,
  MAIN_FIELD.layout,
];

/**
 * Writes the changes of one context in one atomic call: version check, optional overwrite, item
 * deletes, item and main-info sets, recent slots, TTL.
 *
 * KEYS[1]: the context's hash. ARGV ({@link writeContextArgs}): [1] expected version (-1: no
 * check, 0: must not exist); [2] with an expected version > 0, the expected `created` field (the
 * stored context must be the same dialog, not one deleted and created anew); [3] '1' for a whole
 * overwrite; [4] TTL in ms (0: no expiry); [5] d, the number of item fields to delete, listed in
 * [6..5+d]; [6+d] m, the number of slot candidates, then m triples (slot number k in
 * {@link SLOT_TURN_FIELDS} from 1, turn id, ARGV index of the item's payload or 0 for a deleted
 * item), deletes first, or with -m, m slots decided in Node (slot number, turn id, ARGV index of
 * the payload it takes or 0 for `?t`); the rest: field, value pairs to set.
 *
 * The recent slots (`recent-slots.ts`): when Node knows what they hold (`slot-plan.ts`: the same
 * version was loaded or written last by this driver, or a whole overwrite), it decides them and
 * sends what each changed slot takes (-m), and the script only reads the four fields of its
 * checks and copies; a payload crosses the wire once either way. Otherwise the candidates let the script decide: their turn ids are read with the main
 * fields, and each candidate costs a comparison of two numbers, no field name parsed. A usual save is two commands inside Redis (HMGET,
 * HSET), three with a TTL (PEXPIRE); the `expires` field and the key's TTL are dropped only when
 * the stored context has an `expires` field, which every write with a TTL sets. A whole overwrite
 * sets first and then drops the stored fields it did not set (HKEYS, HDEL), in place: the hash is
 * never deleted on the way, so a key of a slot being migrated stays local to the script (only a
 * key of another type is deleted first). HDEL and HSET go in chunks, so a write of any size fits
 * Lua's stack. A context created here gets the `layout` field; a stored context of another layout
 * version is refused (error reply `CSLAYOUT <version>`, nothing written) unless the write
 * replaces it.
 *
 * Returns `{1, newVersion}`, or `{0, storedVersion}` when the version check failed (nothing is
 * written; {@link parseWriteContext}). A key of another type is an error (WRONGTYPE) unless the
 * write overwrites without a check.
 */
export const WRITE_CONTEXT = luaScript(
  'csWriteContext',
  `local key = KEYS[1]
local expected = tonumber(ARGV[1])
local deletes = tonumber(ARGV[5])
local plan = 6 + deletes
local count = tonumber(ARGV[plan])
-- A negative count: the slots were decided in Node, each triple is what a slot takes.
local decided = count < 0
local first = plan + 1 + 3 * math.abs(count)
-- The slots' turn ids only when the script decides the slots (candidates), not when Node did.
local main
if count > 0 then
  main = redis.pcall('HMGET', key, ${luaNames([...STORED_FIELDS, ...SLOT_TURN_FIELDS])})
else
  main = redis.pcall('HMGET', key, ${luaNames(STORED_FIELDS)})
end
local stored = false
if main.err then
  -- pcall only for WRONGTYPE: anything else (an ACL refusal) is raised, with this line's number.
  if not string.find(main.err, 'WRONGTYPE', 1, true) then redis.call('HMGET', key, '${MAIN_FIELD.version}') end
  if expected >= 0 or ARGV[3] ~= '1' then
    local kind = redis.call('TYPE', key)['ok']
    return redis.error_reply('WRONGTYPE the context key holds a ' .. kind .. ', not a hash')
  end
else
  stored = main[1]
end
if expected == 0 then
  if main.err or stored or redis.call('EXISTS', key) == 1 then return {0, stored or '?'} end
elseif expected > 0 then
  if tonumber(stored) ~= expected then return {0, stored} end
  if main[2] ~= ARGV[2] then return {0, stored} end
end
local replace = ARGV[3] == '1'
if stored and not replace and main[4] ~= '${LAYOUT_VERSION}' then
  return redis.error_reply('${LAYOUT_REFUSAL} ' .. (main[4] or ''))
end
local version = (tonumber(stored) or 0) + 1
-- Only a key of another type is deleted first: after a DEL, the key of a slot being migrated is
-- no longer local, and the next command of the script would fail with the DEL already done.
if main.err then redis.call('DEL', key) end
-- Recent slots: a slot holds the item of its greatest turn id ('t'), or after that item's delete
-- '?t' (its items, if any, are older than t).
local keep = stored and not replace
local held, payload, order = {}, {}, {}
for at = plan + 1, first - 1, 3 do
  local k, t, p = tonumber(ARGV[at]), tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  local now = nil
  if decided then
    now = p > 0 and ARGV[at + 1] or '?' .. ARGV[at + 1]
  else
    local h = held[k]
    if h == nil then h = keep and main[${STORED_FIELDS.length} + k] or false end
    local pending = h and string.byte(h, 1) == 63
    local bound = h and tonumber(pending and string.sub(h, 2) or h)
    if p > 0 then
      -- No item in the slot, or a damaged turn id (bound nil): the item takes the slot.
      if not bound or t >= bound then now = ARGV[at + 1] end
    elseif h and not pending and bound == t then
      now = '?' .. ARGV[at + 1]
    end
  end
  if now then
    if payload[k] == nil then order[#order + 1] = k end
    held[k] = now
    payload[k] = p
  end
end
local sets = {'${MAIN_FIELD.version}', string.format('%d', version)}
local drops = {}
if #order > 0 then
  local SLOTS = {${luaNames(SLOT_FIELDS)}}
  local TURNS = {${luaNames(SLOT_TURN_FIELDS)}}
  for n = 1, #order do
    local k = order[n]
    if payload[k] > 0 then
      sets[#sets + 1] = SLOTS[k]
      sets[#sets + 1] = ARGV[payload[k]]
    else
      drops[#drops + 1] = SLOTS[k]
    end
    sets[#sets + 1] = TURNS[k]
    sets[#sets + 1] = held[k]
  end
end
if replace or not stored then
  sets[#sets + 1] = '${MAIN_FIELD.layout}'
  sets[#sets + 1] = '${LAYOUT_VERSION}'
end
for i = 6, 5 + deletes, 1000 do
  redis.call('HDEL', key, unpack(ARGV, i, math.min(5 + deletes, i + 999)))
end
if #drops > 0 then redis.call('HDEL', key, unpack(drops)) end
-- One HSET for a usual save: version, slots and layout, then as many of the sets as fit.
local chunk = math.min(#ARGV, first + 999 - #sets)
for i = first, chunk do sets[#sets + 1] = ARGV[i] end
redis.call('HSET', key, unpack(sets))
for i = chunk + 1, #ARGV, 1000 do
  redis.call('HSET', key, unpack(ARGV, i, math.min(#ARGV, i + 999)))
end
if replace and not main.err then
  -- The stored fields this overwrite did not set go after the sets: the hash never empties.
  local set = {}
  for i = 1, #sets, 2 do set[sets[i]] = true end
  for i = first, #ARGV, 2 do set[ARGV[i]] = true end
  local stale = {}
  for _, name in ipairs(redis.call('HKEYS', key)) do
    if not set[name] then
      stale[#stale + 1] = name
      if #stale == 1000 then redis.call('HDEL', key, unpack(stale)) stale = {} end
    end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
end
if tonumber(ARGV[4]) > 0 then
  redis.call('PEXPIRE', key, ARGV[4])
elseif main[3] then
  -- Only a context that had an expiry has one to drop: a save without TTL costs no command here.
  if not replace then redis.call('HDEL', key, '${MAIN_FIELD.expires}') end
  redis.call('PERSIST', key)
end
return {1, version}
`,
);

/**
 * The ARGV of WRITE_CONTEXT for one write. With `slots` (decided in Node, `SlotMemory`) each
 * changed slot says what it takes and the script compares nothing; without, a candidate per item
 * written lets the script decide. The expiry instant becomes the ms left (at
 * least 1), so that Redis expires the context on its own clock.
 */
export function writeContextArgs(write: ContextWrite, slots?: SlotPlan): (string | Uint8Array)[] {
  const { main } = write;
  const deletes = write.delete.map(({ field, turnId }) => itemField(field, turnId));
  const sets: (string | Uint8Array)[] = [
    MAIN_FIELD.turn,
    String(main.currentTurnId),
    MAIN_FIELD.created,
    String(main.createdAt),
    MAIN_FIELD.updated,
    String(main.updatedAt),
  ];
  if (main.expiresAt !== undefined) sets.push(MAIN_FIELD.expires, String(main.expiresAt));
  if (main.misc !== undefined) sets.push(MAIN_FIELD.misc, main.misc);
  if (main.frameworkData !== undefined) sets.push(MAIN_FIELD.framework, main.frameworkData);
  // ARGV index (from 1) of the first set: after five fixed arguments, the deletes, the count and
  // the triples.
  const triples =
    slots === undefined ? write.delete.length + write.set.length : slots.decisions.length;
  const first = 7 + deletes.length + 3 * triples;
  const valueAt: number[] = [];
  for (const { field, turnId, payload } of write.set) {
    valueAt.push(first + sets.length + 1);
    sets.push(itemField(field, turnId), payload);
  }
  const plan: string[] = [];
  if (slots === undefined) {
    // The script decides: a candidate per item written, deletes first.
    for (const { field, turnId } of write.delete) {
      plan.push(String(slotIndex(field, turnId) + 1), String(turnId), '0');
    }
    write.set.forEach(({ field, turnId }, item) => {
      plan.push(String(slotIndex(field, turnId) + 1), String(turnId), String(valueAt[item]));
    });
  } else {
    for (const { slot, turnId, item } of slots.decisions) {
      plan.push(String(slot + 1), String(turnId), item === undefined ? '0' : String(valueAt[item]));
    }
  }
  return [
    String(write.expectedVersion ?? -1),
    write.expectedCreatedAt === undefined ? '' : String(write.expectedCreatedAt),
    write.replace ? '1' : '0',
    String(ttlLeftMs(main.expiresAt) ?? 0),
    String(deletes.length),
    ...deletes,
    String(slots === undefined ? triples : -triples),
    ...plan,
    ...sets,
  ];
}

/**
 * Reads WRITE_CONTEXT's reply.
 *
 * @throws `CorruptDataError` for a reply of the wrong shape
 */
export function parseWriteContext(id: string, reply: RedisReply): WriteOutcome {
  const [applied, version] = asArray(id, reply);
  if (applied === 1) return { ok: true, version: Number(version) };
  return {
    ok: false,
    actualVersion:
      version === null || version === undefined ? undefined : Number(bytesText(version)),
  };
}
