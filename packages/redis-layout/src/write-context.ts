import { TURN_FIELDS } from '@context-storage/core';
import { type ContextWrite, ttlLeftMs, type WriteOutcome } from '@context-storage/core/adapter';
import type { RedisReply } from './connection.js';
import {
  asArray,
  bytesText,
  ITEM_TAGS,
  itemField,
  luaNames,
  luaScript,
  MAIN_FIELD,
} from './layout.js';
import { LAYOUT_REFUSAL, LAYOUT_VERSION } from './layout-version.js';
import { RECENT_SLOTS, SLOT_TURN_FIELDS } from './recent-slots.js';

/** A Lua pattern matching an item field (`l:7`), capturing its tag and turn id. */
const ITEM_PATTERN = `^([${TURN_FIELDS.map((field) => ITEM_TAGS[field]).join('')}]):(%d+)$`;

/** What WRITE_CONTEXT reads of the stored context before writing, in this order. */
const STORED_FIELDS = [
  MAIN_FIELD.version,
  MAIN_FIELD.created,
  MAIN_FIELD.expires,
  MAIN_FIELD.layout,
];

/**
 * Writes the changes of one context in one atomic call: version check, optional overwrite, item
 * deletes, item and main-info sets, TTL.
 *
 * KEYS[1]: the context's hash. ARGV ({@link writeContextArgs}): [1] expected version (-1: no
 * check, 0: must not exist); [2] with an expected version > 0, the expected `created` field (the
 * stored context must be the same dialog, not one deleted and created anew); [3] '1' to drop the
 * stored context first (whole overwrite); [4] TTL in ms (0: no expiry); [5] n, the number of
 * fields to delete, listed in [6..5+n]; the rest: field, value pairs to set. HDEL and HSET go in
 * chunks, so a write of any size fits Lua's stack. It keeps the recent slots of the items it
 * writes (`recent-slots.ts`) within those commands: their turn ids are read with the main fields
 * and the slots set with the items (an HDEL more after item deletes). A usual save is two
 * commands inside Redis (HMGET, HSET), three with a TTL (PEXPIRE). A context created here gets
 * the `layout` field; a stored context of another layout version is refused (error reply
 * `CSLAYOUT <version>`, nothing written) unless the write replaces it. The `expires` field and the key's TTL are dropped only
 * when the stored context has an `expires` field, which every write with a TTL sets.
 *
 * Returns `{1, newVersion}`, or `{0, storedVersion}` when the version check failed (nothing is
 * written; {@link parseWriteContext}). A key of another type is an error (WRONGTYPE) unless the
 * write overwrites without a check.
 */
export const WRITE_CONTEXT = luaScript(
  'csWriteContext',
  `local key = KEYS[1]
local expected = tonumber(ARGV[1])
local SLOT_TURNS = {${luaNames(SLOT_TURN_FIELDS)}}
local main = redis.pcall('HMGET', key, ${luaNames([...STORED_FIELDS, ...SLOT_TURN_FIELDS])})
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
if replace then redis.call('DEL', key) end
-- Recent slots (recent-slots.ts): their turn ids came with the main fields, so keeping them costs
-- no command of its own; deletes first, then sets, in the order the items are written.
local held = {}
if stored and not replace then
  for k = 1, ${SLOT_TURN_FIELDS.length} do held[SLOT_TURNS[k]] = main[${STORED_FIELDS.length} + k] end
end
local changes = {}
local deletes = tonumber(ARGV[5])
local first = 6 + deletes
for i = 6, 5 + deletes do
  local tag, t = string.match(ARGV[i], '${ITEM_PATTERN}')
  if tag then changes[#changes + 1] = {tag, t, false} end
end
for i = first, #ARGV - 1, 2 do
  local tag, t = string.match(ARGV[i], '${ITEM_PATTERN}')
  if tag then changes[#changes + 1] = {tag, t, i + 1} end
end
local slots, order = {}, {}
for k = 1, #changes do
  local t, value = changes[k][2], changes[k][3]
  local name = changes[k][1] .. '#' .. (tonumber(t) % ${RECENT_SLOTS})
  local h = held[name]
  local decided = nil
  if value then
    local bound = h and tonumber((string.gsub(h, '^%?', '')))
    if not bound or tonumber(t) >= bound then
      held[name] = t
      decided = value
    end
  elseif h == t then
    held[name] = '?' .. t
    decided = false
  end
  if decided ~= nil then
    if slots[name] == nil then order[#order + 1] = name end
    slots[name] = decided
  end
end
local sets = {'${MAIN_FIELD.version}', string.format('%d', version)}
local drops = {}
for k = 1, #order do
  local name = order[k]
  local slot = (string.gsub(name, '#', '@'))
  if slots[name] then
    sets[#sets + 1] = slot
    sets[#sets + 1] = ARGV[slots[name]]
  else
    drops[#drops + 1] = slot
  end
  sets[#sets + 1] = name
  sets[#sets + 1] = held[name]
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
if tonumber(ARGV[4]) > 0 then
  redis.call('PEXPIRE', key, ARGV[4])
elseif main[3] and not replace then
  -- Only a context that had an expiry has one to drop: a save without TTL costs no command here.
  redis.call('HDEL', key, '${MAIN_FIELD.expires}')
  redis.call('PERSIST', key)
end
return {1, version}
`,
);

/**
 * The ARGV of WRITE_CONTEXT for one write. The expiry instant becomes the ms left (at least 1),
 * so that Redis expires the context on its own clock.
 */
export function writeContextArgs(write: ContextWrite): (string | Uint8Array)[] {
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
  for (const { field, turnId, payload } of write.set) sets.push(itemField(field, turnId), payload);
  return [
    String(write.expectedVersion ?? -1),
    write.expectedCreatedAt === undefined ? '' : String(write.expectedCreatedAt),
    write.replace ? '1' : '0',
    String(ttlLeftMs(main.expiresAt) ?? 0),
    String(deletes.length),
    ...deletes,
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
