import { Context } from '@context-storage/core';

/**
 * What the turns of a dialog carry, after Chatsky's benchmark configurations: each request and
 * response is a message whose `misc` is a nested dict of the given dimensions (Chatsky's
 * `get_dict`: every number but the last is the width of one level, the last the length of the
 * strings), the label a `[flow, node]` pair, and the context's own misc a dict of its dimensions.
 */
export interface DialogShape {
  /** Dimensions of the nested dict inside every request and response. */
  readonly message: readonly number[];
  /** Dimensions of the context's misc dict. */
  readonly misc: readonly number[];
}

/** The values of one turn. */
export interface TurnValues {
  label: [string, string];
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A deterministic string of `length` letters and digits that differs with `seed`. */
function filler(length: number, seed: number): string {
  let out = '';
  for (let index = 0; index < length; index++) {
    out += ALPHABET[(seed * 7 + index * 13) % ALPHABET.length];
  }
  return out;
}

/**
 * Chatsky's `get_dict(dimensions)`: a dict `dimensions[0]` keys wide whose values are dicts of the
 * remaining dimensions, down to strings of length `dimensions.at(-1)`.
 */
export function nestedDict(dimensions: readonly number[], seed = 0): Record<string, unknown> {
  // As in Chatsky, a single dimension is a dict of that width holding empty strings.
  const dims = dimensions.length < 2 ? [dimensions[0] ?? 0, 0] : dimensions;
  const build = (depth: number, path: number): unknown => {
    if (depth === dims.length - 1) return filler(dims[depth]!, path);
    const out: Record<string, unknown> = {};
    for (let key = 0; key < dims[depth]!; key++)
      out[String(key)] = build(depth + 1, path * 31 + key);
    return out;
  };
  return build(0, seed) as Record<string, unknown>;
}

const turnCache = new WeakMap<DialogShape, Map<number, TurnValues>>();

/**
 * The values of turn `turnId` of a dialog of this shape, built once and then shared (nothing
 * mutates them), so that timed turns do not pay for making up their messages.
 */
export function turnValues(shape: DialogShape, turnId: number): TurnValues {
  let turns = turnCache.get(shape);
  if (turns === undefined) {
    turns = new Map();
    turnCache.set(shape, turns);
  }
  let values = turns.get(turnId);
  if (values === undefined) {
    values = {
      label: [`flow_${turnId % 7}`, `node_${turnId}`],
      request: { text: `request ${turnId}`, misc: nestedDict(shape.message, turnId) },
      response: { text: `response ${turnId}`, misc: nestedDict(shape.message, turnId + 1) },
    };
    turns.set(turnId, values);
  }
  return values;
}

/** A new, unsaved context of `turns` turns of this shape. Cost: builds every turn's values. */
export function buildDialog(id: string, shape: DialogShape, turns: number): Context {
  const context = new Context(id, { misc: nestedDict(shape.misc, 1) });
  for (let turn = 1; turn <= turns; turn++) context.addTurn(turnValues(shape, turn));
  return context;
}

/** Encoded size in bytes of one turn of this shape (JSON of label, request and response). */
export function turnBytes(shape: DialogShape, turnId = 1): number {
  const { label, request, response } = turnValues(shape, turnId);
  return [label, request, response].reduce<number>(
    (sum, value) => sum + Buffer.byteLength(JSON.stringify(value)),
    0,
  );
}
