import { type DialogShape, nestedDict, turnValues } from '../shapes.js';
import { BaselineKeys, type RawCommands } from './raw-commands.js';
import type { TurnTarget } from './target.js';

/** The whole context as one JSON document, as the older Chatsky/DFF Redis storage kept it. */
export interface WholeContext {
  id: string;
  version: number;
  turn: number;
  created: number;
  updated: number;
  misc: Record<string, unknown>;
  framework: Record<string, unknown>;
  labels: Record<number, unknown>;
  requests: Record<number, unknown>;
  responses: Record<number, unknown>;
}

/** Adds the next turn of `shape` to a whole context, as a bot's turn does. */
export function addWholeTurn(context: WholeContext, shape: DialogShape): void {
  const next = context.turn + 1;
  const { label, request, response } = turnValues(shape, next);
  context.labels[next] = label;
  context.requests[next] = request;
  context.responses[next] = response;
  context.turn = next;
  context.version += 1;
  context.updated = Date.now();
}

/** A new whole context of `turns` turns of `shape`. */
export function wholeDialog(id: string, shape: DialogShape, turns: number): WholeContext {
  const now = Date.now();
  const context: WholeContext = {
    id,
    version: 1,
    turn: 0,
    created: now,
    updated: now,
    misc: nestedDict(shape.misc, 1),
    framework: {},
    labels: {},
    requests: {},
    responses: {},
  };
  for (let turn = 0; turn < turns; turn++) addWholeTurn(context, shape);
  return context;
}

/**
 * Baseline 1: the whole-context design of the older Chatsky/DFF storages. Every turn GETs the
 * full context JSON, parses it, adds the turn, serializes it all again and SETs it: two commands
 * whose size, and the JSON work, grow with the dialog.
 */
export function wholeContextTarget(raw: RawCommands, prefix: string): TurnTarget {
  const keys = new BaselineKeys(raw, prefix);
  return {
    name: `whole-context (${raw.client})`,
    kind: 'whole-context',
    client: raw.client,
    usesRedis: true,
    async seed(ids, shape, turns) {
      for (const id of ids) {
        await raw.set(keys.track(id), JSON.stringify(wholeDialog(id, shape, turns)));
      }
    },
    async turn(id, shape) {
      const text = await raw.get(keys.key(id));
      if (text === null) throw new Error(`context ${id} is missing`);
      const context = JSON.parse(text) as WholeContext;
      addWholeTurn(context, shape);
      await raw.set(keys.key(id), JSON.stringify(context));
    },
    clear: () => keys.clear(),
  };
}
