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
import { RECENT_SLOTS } from './recent-slots.js';

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
 * writes (`recent-slots.ts`): one HMGET of their turn ids and one HSET (and an HDEL after item
 * deletes), bounded by the items written. A usual save is four commands inside Redis (HMGET,
 * HSET, HMGET, HSET), five with a TTL (PEXPIRE). A context created here gets the `layout` field; a
 * stored context of another layout version is refused (error reply `CSLAYOUT <version>`, nothing
 * written) unless the write replaces it. The `expires` field and the key's TTL are dropped only
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
local main = redis.pcall('HMGET', key, ${luaNames(STORED_FIELDS)})
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
local deletes = tonumber(ARGV[5])
for i = 6, 5 + deletes, 1000 do
  redis.call('HDEL', key, unpack(ARGV, i, math.min(5 + deletes, i + 999)))
end
local first = 6 + deletes
redis.call('HSET', key, '${MAIN_FIELD.version}', string.format('%d', version), unpack(ARGV, first, math.min(#ARGV, first + 997)))
for i = first + 998, #ARGV, 1000 do
  redis.call('HSET', key, unpack(ARGV, i, math.min(#ARGV, i + 999)))
end
-- Recent slots (recent-slots.ts): deletes first, then sets, in the order the items were written.
local changes = {}
for i = 6, 5 + deletes do
  local tag, t = string.match(ARGV[i], '${ITEM_PATTERN}')
  if tag then changes[#changes + 1] = {tag, t, false} end
end
for i = first, #ARGV - 1, 2 do
  local tag, t = string.match(ARGV[i], '${ITEM_PATTERN}')
  if tag then changes[#changes + 1] = {tag, t, i + 1} end
end
if #changes > 0 then
  -- One HMGET of the distinct slots touched (at most ${RECENT_SLOTS} per field), one HSET back.
  local order, held, slots = {}, {}, {}
  for k = 1, #changes do
    local change = changes[k]
    change[4] = change[1] .. '#' .. (tonumber(change[2]) % ${RECENT_SLOTS})
    if held[change[4]] == nil then
      order[#order + 1] = change[4]
      held[change[4]] = false
    end
  end
  local got = redis.call('HMGET', key, unpack(order))
  for k = 1, #order do held[order[k]] = got[k] end
  for k = 1, #changes do
    local t, value, name = changes[k][2], changes[k][3], changes[k][4]
    local h = held[name]
    if value then
      local bound = h and tonumber((string.gsub(h, '^%?', '')))
      if not bound or tonumber(t) >= bound then
        held[name] = t
        slots[name] = value
      end
    elseif h == t then
      held[name] = '?' .. t
      slots[name] = false
    end
  end
  local drops, puts = {}, {}
  for k = 1, #order do
    local name = order[k]
    local value = slots[name]
    if value ~= nil then
      local slot = (string.gsub(name, '#', '@'))
      if value then
        puts[#puts + 1] = slot
        puts[#puts + 1] = ARGV[value]
      else
        drops[#drops + 1] = slot
      end
      puts[#puts + 1] = name
      puts[#puts + 1] = held[name]
    end
  end
  if #drops > 0 then redis.call('HDEL', key, unpack(drops)) end
  if #puts > 0 then redis.call('HSET', key, unpack(puts)) end
end
if replace or not stored then redis.call('HSET', key, '${MAIN_FIELD.layout}', '${LAYOUT_VERSION}') end
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
