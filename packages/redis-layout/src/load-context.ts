import { CorruptDataError, TURN_FIELDS } from '@context-storage/core';
import type { LoadWindows, StoredContext } from '@context-storage/core/adapter';
import type { RedisReply } from './connection.js';
import {
  asArray,
  asBytes,
  bytesText,
  emptyItems,
  ITEM_TAGS,
  luaNames,
  luaScript,
  MAIN_FIELD,
  MAIN_FIELDS,
} from './layout.js';
import { LAYOUT_VERSION, LayoutVersionError, storedLayout } from './layout-version.js';

/** Where the main fields end and the three item lists begin in LOAD_CONTEXT's reply. */
const ITEMS_AT = MAIN_FIELDS.length;
const at = (field: string) => MAIN_FIELDS.indexOf(field as (typeof MAIN_FIELDS)[number]);

/**
 * Loads a context in one call: its main info plus, per turn field, the items of its window.
 *
 * KEYS[1]: the context's hash. ARGV[1..3] ({@link loadContextArgs}): the windows of labels,
 * requests and responses, each the number of latest turn ids to read (`(turn - n, turn]`; the
 * three windows are read together by one HMGET per 1000 names: the cost depends on n, never on the
 * dialog length) or -1 for every item (one HGETALL, only on request). A usual load is two
 * commands inside Redis (HMGET, HMGET).
 *
 * Returns nil when the key does not exist, else the {@link MAIN_FIELDS} in order, then per turn
 * field a flat list `{ turnId, payload, turnId, payload, ... }` of the items present
 * ({@link parseLoadContext}).
 */
export const LOAD_CONTEXT = luaScript(
  'csLoadContext',
  `local key = KEYS[1]
local out = redis.call('HMGET', key, ${luaNames(MAIN_FIELDS)})
if not out[${at(MAIN_FIELD.version) + 1}] and redis.call('EXISTS', key) == 0 then return false end
local turn = tonumber(out[${at(MAIN_FIELD.turn) + 1}])
local tags = {${luaNames(TURN_FIELDS.map((field) => ITEM_TAGS[field]))}}
local all = nil
-- The windows of the three fields are read together: one HMGET for up to 1000 names.
local names, owners, ids = {}, {}, {}
local function flush()
  if #names == 0 then return end
  local values = redis.call('HMGET', key, unpack(names))
  for k = 1, #names do
    if values[k] then
      local items = out[${ITEMS_AT} + owners[k]]
      items[#items + 1] = ids[k]
      items[#items + 1] = values[k]
    end
  end
  names, owners, ids = {}, {}, {}
end
for i = 1, ${TURN_FIELDS.length} do
  local window = tonumber(ARGV[i])
  local items = {}
  out[${ITEMS_AT} + i] = items
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

/** The ARGV of LOAD_CONTEXT: one window per turn field, `-1` for `'all'`. */
export function loadContextArgs(windows: LoadWindows): string[] {
  return TURN_FIELDS.map((field) => {
    const window = windows[field];
    return window === 'all' ? '-1' : String(window);
  });
}

/**
 * Reads LOAD_CONTEXT's reply; numbers stay unchecked (core reports bad ones as corrupt).
 *
 * @throws `LayoutVersionError` (a `CorruptDataError`) for a context of another layout version
 * @throws `CorruptDataError` for a reply of the wrong shape or a missing payload
 */
export function parseLoadContext(id: string, reply: RedisReply): StoredContext | undefined {
  if (reply === null) return undefined;
  const parts = asArray(id, reply);
  const layout = parts[at(MAIN_FIELD.layout)];
  const layoutText = layout === null || layout === undefined ? undefined : bytesText(layout);
  if (layoutText !== String(LAYOUT_VERSION)) {
    throw new LayoutVersionError(id, storedLayout(layoutText));
  }
  const number = (field: string): number => {
    const value = parts[at(field)];
    return value === null || value === undefined ? Number.NaN : Number(bytesText(value));
  };
  const payload = (field: string, part: string) => {
    const value = parts[at(field)];
    if (value === null || value === undefined) {
      throw new CorruptDataError(id, part, 'it is missing');
    }
    return asBytes(id, part, value);
  };
  const items = emptyItems();
  TURN_FIELDS.forEach((field, offset) => {
    const flat = asArray(id, parts[ITEMS_AT + offset] ?? []);
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const turnId = Number(bytesText(flat[index]!));
      items[field].set(turnId, asBytes(id, `${field}[${turnId}]`, flat[index + 1]!));
    }
  });
  const expires = parts[at(MAIN_FIELD.expires)];
  return {
    main: {
      version: number(MAIN_FIELD.version),
      currentTurnId: number(MAIN_FIELD.turn),
      createdAt: number(MAIN_FIELD.created),
      updatedAt: number(MAIN_FIELD.updated),
      ...(expires === null || expires === undefined
        ? {}
        : { expiresAt: number(MAIN_FIELD.expires) }),
      misc: payload(MAIN_FIELD.misc, 'misc'),
      frameworkData: payload(MAIN_FIELD.framework, 'frameworkData'),
    },
    items,
  };
}
