import { type DBContextStorage, DEFAULT_LATEST } from '@context-storage/core';
import {
  LOAD_CONTEXT,
  loadContextArgs,
  MAIN_FIELD,
  MAIN_FIELDS,
  RedisKeyspace,
  WRITE_CONTEXT,
  writeContextArgs,
} from '@context-storage/redis-layout';
import { type DialogShape, turnValues } from '../shapes.js';
import { seedStorage } from './adapter-target.js';
import type { RawCommands } from './raw-commands.js';
import type { TurnTarget } from './target.js';

/** LOAD_CONTEXT's windows of labels, requests and responses: the storages' default, 3 each. */
const WINDOWS = loadContextArgs({
  labels: DEFAULT_LATEST,
  requests: DEFAULT_LATEST,
  responses: DEFAULT_LATEST,
});
const at = (field: string) => MAIN_FIELDS.indexOf(field as (typeof MAIN_FIELDS)[number]);

/**
 * Baseline 2: the raw client sending exactly the commands a Redis adapter sends for one turn,
 * built with the layout's own key and argument helpers: `EVALSHA <LOAD_CONTEXT> 1 <key>` with
 * `loadContextArgs`, then `EVALSHA <WRITE_CONTEXT>` with `writeContextArgs` of the new turn
 * (expected version and creation time, no overwrite, no TTL). It does the work an application
 * does by hand: JSON-decodes what it loaded and JSON-encodes the new turn, nothing more. Dialogs
 * are seeded through `seeder`, a storage on the same client with this prefix.
 */
export function rawLayoutTarget(
  raw: RawCommands,
  seeder: DBContextStorage,
  prefix: string,
): TurnTarget {
  const keys = new RedisKeyspace(prefix);
  return {
    name: `raw EVALSHA (${raw.client})`,
    kind: 'raw-layout',
    client: raw.client,
    usesRedis: true,
    async seed(ids, shape, turns) {
      await raw.scriptLoad(LOAD_CONTEXT.source);
      await raw.scriptLoad(WRITE_CONTEXT.source);
      await seedStorage(seeder, ids, shape, turns);
    },
    turn: (id, shape) => rawTurn(raw, id, keys.key(id), shape),
    clear: () => seeder.clear(),
  };
}

async function rawTurn(
  raw: RawCommands,
  id: string,
  key: string,
  shape: DialogShape,
): Promise<void> {
  const loaded = (await raw.evalsha(LOAD_CONTEXT.sha1, key, WINDOWS)) as unknown[] | null;
  if (!Array.isArray(loaded)) throw new Error(`${key} is missing`);
  const main = loaded as string[];
  JSON.parse(main[at(MAIN_FIELD.misc)]!);
  JSON.parse(main[at(MAIN_FIELD.framework)]!);
  for (const flat of loaded.slice(MAIN_FIELDS.length) as string[][]) {
    for (let index = 1; index < flat.length; index += 2) JSON.parse(flat[index]!);
  }
  const next = Number(main[at(MAIN_FIELD.turn)]) + 1;
  const created = Number(main[at(MAIN_FIELD.created)]);
  const { label, request, response } = turnValues(shape, next);
  const args = writeContextArgs({
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
  }) as string[];
  const reply = (await raw.evalsha(WRITE_CONTEXT.sha1, key, args)) as unknown[];
  if (Number(reply[0]) !== 1) throw new Error(`${key}: version conflict`);
}
