import type { DBContextStorage } from '@context-storage/core';
import { LOAD_CONTEXT, WRITE_CONTEXT } from '@context-storage/redis-layout';
import { type DialogShape, turnValues } from '../shapes.js';
import { seedStorage } from './adapter-target.js';
import type { RawCommands } from './raw-commands.js';
import type { TurnTarget } from './target.js';

/** LOAD_CONTEXT's windows of labels, requests and responses: the storages' default, 3 each. */
const WINDOWS = ['3', '3', '3'];

/**
 * Baseline 2: the raw client sending exactly the commands a Redis adapter sends for one turn,
 * written by hand: `EVALSHA <LOAD_CONTEXT> 1 <prefix>::<id> 3 3 3`, then `EVALSHA <WRITE_CONTEXT>`
 * with the adapter's arguments (expected version and creation time, no overwrite, no TTL, HDEL of
 * `expires`, the main fields, then `l:N`, `q:N`, `r:N`). It does the work an application does by
 * hand: JSON-decodes what it loaded and JSON-encodes the new turn, nothing more. Dialogs are
 * seeded through `seeder`, a storage on the same client with this prefix.
 */
export function rawLayoutTarget(
  raw: RawCommands,
  seeder: DBContextStorage,
  prefix: string,
): TurnTarget {
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
    turn: (id, shape) => rawTurn(raw, `${prefix}::${id}`, shape),
    clear: () => seeder.clear(),
  };
}

async function rawTurn(raw: RawCommands, key: string, shape: DialogShape): Promise<void> {
  const loaded = (await raw.evalsha(LOAD_CONTEXT.sha1, key, WINDOWS)) as unknown[] | null;
  if (!Array.isArray(loaded)) throw new Error(`${key} is missing`);
  const [version, turn, created, , , misc, framework, ...fields] = loaded as string[];
  JSON.parse(misc!);
  JSON.parse(framework!);
  for (const flat of fields as unknown as string[][]) {
    for (let index = 1; index < flat.length; index += 2) JSON.parse(flat[index]!);
  }
  const next = Number(turn) + 1;
  const { label, request, response } = turnValues(shape, next);
  const reply = (await raw.evalsha(WRITE_CONTEXT.sha1, key, [
    version!,
    created!,
    '0',
    '0',
    '1',
    'expires',
    'turn',
    String(next),
    'created',
    created!,
    'updated',
    String(Date.now()),
    `l:${next}`,
    JSON.stringify(label),
    `q:${next}`,
    JSON.stringify(request),
    `r:${next}`,
    JSON.stringify(response),
  ])) as unknown[];
  if (Number(reply[0]) !== 1) throw new Error(`${key}: version conflict`);
}
