import { createHash } from 'node:crypto';
import type { TurnField } from '@context-storage/core';
import type { LuaScript } from './connection.js';

/** Hash fields holding the main info of a context, in the order LOAD_CONTEXT returns them. */
export const MAIN_FIELDS = [
  'version',
  'turn',
  'created',
  'updated',
  'expires',
  'misc',
  'framework',
] as const;

/** Hash field prefix of each turn field's items: `l:7` is the label of turn 7. */
export const ITEM_TAGS: Readonly<Record<TurnField, string>> = {
  labels: 'l',
  requests: 'q',
  responses: 'r',
};

/** The hash field of one turn item. */
export function itemField(field: TurnField, turnId: number): string {
  return `${ITEM_TAGS[field]}:${turnId}`;
}

function script(name: string, source: string): LuaScript {
  return { name, source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * Loads a context in one call: its main info plus, per turn field, the items of its window.
 *
 * KEYS[1]: the context's hash. ARGV[1..3]: the windows of labels, requests and responses, each the
 * number of latest turn ids to read (`(turn - n, turn]`; the three windows are read together by
 * one HMGET per 1000 names: the cost depends on n, never on the dialog length) or -1 for every
 * item (one HGETALL, only on request). A usual load is two commands inside Redis (HMGET, HMGET).
 *
 * Returns nil when the key does not exist, else `{ version, turn, created, updated, expires,
 * misc, framework, labels, requests, responses }`, each turn field a flat list
 * `{ turnId, payload, turnId, payload, ... }` of the items present.
 */
export const LOAD_CONTEXT = script(
  'csLoadContext',
  `local key = KEYS[1]
local out = redis.call('HMGET', key, 'version', 'turn', 'created', 'updated', 'expires', 'misc', 'framework')
if not out[1] and redis.call('EXISTS', key) == 0 then return false end
local turn = tonumber(out[2])
local tags = {'l', 'q', 'r'}
local all = nil
-- The windows of the three fields are read together: one HMGET for up to 1000 names.
local names, owners, ids = {}, {}, {}
local function flush()
  if #names == 0 then return end
  local values = redis.call('HMGET', key, unpack(names))
  for k = 1, #names do
    if values[k] then
      local items = out[7 + owners[k]]
      items[#items + 1] = ids[k]
      items[#items + 1] = values[k]
    end
  end
  names, owners, ids = {}, {}, {}
end
for i = 1, 3 do
  local window = tonumber(ARGV[i])
  local items = {}
  out[7 + i] = items
  if window < 0 then
    if not all then all = redis.call('HGETALL', key) end
    local tag = tags[i] .. ':'
    for j = 1, #all, 2 do
      if string.sub(all[j], 1, 2) == tag then
        items[#items + 1] = string.sub(all[j], 3)
        items[#items + 1] = all[j + 1]
      end
    end
  elseif window > 0 and turn then
    for t = math.max(0, turn - window + 1), turn do
      local id = string.format('%d', t)
      local n = #names + 1
      names[n] = tags[i] .. ':' .. id
      owners[n] = i
      ids[n] = id
      if n == 1000 then flush() end
    end
  end
end
flush()
return out
`,
);

/**
 * Writes the changes of one context in one atomic call: version check, optional overwrite, item
 * deletes, item and main-info sets, TTL.
 *
 * KEYS[1]: the context's hash. ARGV[1]: expected version (-1: no check, 0: must not exist).
 * ARGV[2]: with an expected version > 0, the expected `created` field (the stored context must be
 * the same dialog, not one deleted and created anew). ARGV[3]: '1' to drop the stored context
 * first (whole overwrite). ARGV[4]: TTL in ms (0: no expiry). ARGV[5]: n, the number of fields to
 * delete, listed in ARGV[6..5+n]. The rest: field, value pairs to set. HDEL and HSET go in
 * chunks, so a write of any size fits Lua's stack; a usual save is three commands inside Redis
 * (HMGET, HSET, PERSIST or PEXPIRE).
 *
 * Returns `{1, newVersion}`, or `{0, storedVersion}` when the version check failed (nothing is
 * written). A key of another type is an error (WRONGTYPE) unless the write overwrites without a
 * check.
 */
export const WRITE_CONTEXT = script(
  'csWriteContext',
  `local key = KEYS[1]
local expected = tonumber(ARGV[1])
local main = redis.pcall('HMGET', key, 'version', 'created')
local stored = false
if main.err then
  -- pcall only for WRONGTYPE: anything else (an ACL refusal) is raised, with this line's number.
  if not string.find(main.err, 'WRONGTYPE', 1, true) then redis.call('HMGET', key, 'version') end
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
local version = (tonumber(stored) or 0) + 1
if ARGV[3] == '1' then redis.call('DEL', key) end
local deletes = tonumber(ARGV[5])
for i = 6, 5 + deletes, 1000 do
  redis.call('HDEL', key, unpack(ARGV, i, math.min(5 + deletes, i + 999)))
end
local first = 6 + deletes
redis.call('HSET', key, 'version', string.format('%d', version), unpack(ARGV, first, math.min(#ARGV, first + 997)))
for i = first + 998, #ARGV, 1000 do
  redis.call('HSET', key, unpack(ARGV, i, math.min(#ARGV, i + 999)))
end
if tonumber(ARGV[4]) > 0 then
  redis.call('PEXPIRE', key, ARGV[4])
else
  redis.call('PERSIST', key)
end
return {1, version}
`,
);

/** Every script of the layout. */
export const SCRIPTS: readonly LuaScript[] = [LOAD_CONTEXT, WRITE_CONTEXT];
