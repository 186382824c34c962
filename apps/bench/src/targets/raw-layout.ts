import { type DBContextStorage, DEFAULT_LATEST } from '@context-storage/core';
import type { ContextWrite } from '@context-storage/core/adapter';
import {
  MAIN_FIELD,
  MAIN_FIELDS,
  NO_SLOTS,
  planSlots,
  RECENT_LOAD_FIELDS,
  RedisKeyspace,
  type RedisReply,
  slotOf,
  slotPlace,
  slotTurnsOf,
  WRITE_CONTEXT,
  writeContextArgs,
} from '@context-storage/redis-layout';
import { type DialogShape, turnValues } from '../shapes.js';
import { seedStorage } from './adapter-target.js';
import type { RawCommands } from './raw-commands.js';
import type { TurnTarget } from './target.js';

const at = (field: string) => MAIN_FIELDS.indexOf(field as (typeof MAIN_FIELDS)[number]);

/**
 * Baseline 2: the raw client sending exactly the commands a Redis adapter sends for one turn,
 * built with the layout's own key and argument helpers: `HMGET <key>` of the main fields and the
 * recent slots (`RECENT_LOAD_FIELDS`: the load of the default windows), then
 * `EVALSHA <WRITE_CONTEXT>` with `writeContextArgs` of the new turn (expected version and
 * creation time, no overwrite, no TTL, the slots decided from what the load read, `planSlots`). It does the work an application does by hand:
 * JSON-decodes the window's items it loaded and JSON-encodes the new turn, nothing more. Dialogs
 * are seeded through `seeder`, a storage on the same client with this prefix.
 */
export function rawLayoutTarget(
  raw: RawCommands,
  seeder: DBContextStorage,
  prefix: string,
): TurnTarget {
  const keys = new RedisKeyspace(prefix);
  return {
    name: `raw layout commands (${raw.client})`,
    kind: 'raw-layout',
    client: raw.client,
    usesRedis: true,
    async seed(ids, shape, turns) {
      await raw.scriptLoad(WRITE_CONTEXT.source);
      await seedStorage(seeder, ids, shape, turns);
    },
    turn: (id, shape) => rawTurn(raw, id, keys.key(id), shape),
    load: async (id) => void (await raw.hmget(keys.key(id), RECENT_LOAD_FIELDS)),
    clear: () => seeder.clear(),
  };
}

async function rawTurn(
  raw: RawCommands,
  id: string,
  key: string,
  shape: DialogShape,
): Promise<void> {
  const loaded = await raw.hmget(key, RECENT_LOAD_FIELDS);
  const main = loaded.slice(0, MAIN_FIELDS.length);
  if (main[at(MAIN_FIELD.version)] === null) throw new Error(`${key} is missing`);
  JSON.parse(main[at(MAIN_FIELD.misc)]!);
  JSON.parse(main[at(MAIN_FIELD.framework)]!);
  const current = Number(main[at(MAIN_FIELD.turn)]);
  for (let field = 0; field < 3; field++) {
    for (let turnId = Math.max(0, current - DEFAULT_LATEST + 1); turnId <= current; turnId++) {
      const place = slotPlace(field, slotOf(turnId));
      if (loaded[place.turn] === String(turnId)) JSON.parse(loaded[place.payload]!);
    }
  }
  const next = current + 1;
  const created = Number(main[at(MAIN_FIELD.created)]);
  const { label, request, response } = turnValues(shape, next);
  const write: ContextWrite = {
    id,
    expectedVersion: Number(main[at(MAIN_FIELD.version)]),
    expectedCreatedAt: created,
    replace: false,
    main: { currentTurnId: next, createdAt: created, updatedAt: Date.now() },
    set: [
      { field: 'labels', turnId: next, payload: JSON.stringify(label) },
      { field: 'requests', turnId: next, payload: JSON.stringify(request) },
      { field: 'responses', turnId: next, payload: JSON.stringify(response) },
    ],
    delete: [],
  };
  // The slots decided from what the load read, as the adapter decides them.
  const held = slotTurnsOf(loaded as RedisReply[]) ?? NO_SLOTS;
  const args = writeContextArgs(write, planSlots(held, write)) as string[];
  const reply = (await raw.evalsha(WRITE_CONTEXT.sha1, key, args)) as unknown[];
  if (Number(reply[0]) !== 1) throw new Error(`${key}: version conflict`);
}
