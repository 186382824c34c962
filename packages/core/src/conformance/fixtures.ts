import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type Codec, jsonCodec } from '../codec.js';
import { Context } from '../context.js';
import type { ContextStorageErrorCode } from '../errors.js';
import type { DBContextStorage } from '../storage.js';

/** A random id, so that tests never collide even on a shared backend. */
export function randomId(tag = 'ctx'): string {
  return `${tag}-${randomBytes(6).toString('hex')}`;
}

/** A new context with `turns` turns of distinct, recognisable requests, labels and responses. */
export function dialog(id: string, turns: number, misc: Record<string, unknown> = {}): Context {
  const context = new Context(id, { misc });
  for (let turn = 1; turn <= turns; turn++) {
    context.addTurn({
      request: { text: `request ${turn} of ${id}` },
      label: ['flow', `node${turn}`],
      response: { text: `response ${turn}` },
    });
  }
  return context;
}

/** Saves a new dialog of `turns` turns under `id` and returns it. */
export async function saveDialog(
  storage: DBContextStorage,
  id: string,
  turns: number,
  misc: Record<string, unknown> = {},
): Promise<Context> {
  const context = dialog(id, turns, misc);
  await storage.setItem(id, context);
  return context;
}

/** Loads `id` with every turn item, failing when it is missing. */
export async function loadFull(storage: DBContextStorage, id: string): Promise<Context> {
  const context = await storage.getItem(id, { latest: 'all' });
  assert.ok(context, `getItem('${id}', { latest: 'all' }) finds the context saved under it`);
  return context;
}

/**
 * Asserts that a load found a stored context and returns it. `what` names the load in the
 * failure message, e.g. `getItem('a') after setItem`.
 */
export function found<T>(context: T | undefined, what: string): T {
  assert.ok(context !== undefined, `${what} returns a context, not undefined`);
  return context;
}

/**
 * Asserts that `promise` rejects with a context-storage error of `code` (compared by code, so
 * that an adapter built against another copy of core passes too), and returns the error.
 * `what` names the call in the failure message, e.g. `a stale save after a delete-only save`.
 */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: ContextStorageErrorCode,
  what = 'the call',
): Promise<Error & { code: string }> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected a ${code} error from ${what}, but it succeeded`);
  assert.ok(
    caught instanceof Error,
    `expected a ${code} error from ${what}, got ${String(caught)}`,
  );
  assert.equal(
    (caught as { code?: unknown }).code,
    code,
    `expected a ${code} error from ${what}, got ${caught.name}: ${caught.message}`,
  );
  return caught as Error & { code: string };
}

/** Turn ids of the loaded items of each field. */
export function loadedTurnIds(
  context: Context,
): Record<'labels' | 'requests' | 'responses', number[]> {
  return {
    labels: context.labels.keys(),
    requests: context.requests.keys(),
    responses: context.responses.keys(),
  };
}

/** Turn ids from `from` to `to`, both included. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * A codec whose payloads are bytes that are not valid UTF-8 (JSON behind a 0xFF 0x00 header): an
 * adapter that stores or returns payloads as text breaks it.
 */
export const binaryCodec: Codec = {
  name: 'conformance-binary',
  encode(value, path) {
    const json = new TextEncoder().encode(jsonCodec.encode(value, path) as string);
    const bytes = new Uint8Array(json.length + 2);
    bytes.set([0xff, 0x00]);
    bytes.set(json, 2);
    return bytes;
  },
  decode(payload) {
    if (typeof payload === 'string') throw new Error('expected bytes, got text');
    if (payload[0] !== 0xff || payload[1] !== 0x00) throw new Error('the binary header is gone');
    return jsonCodec.decode(payload.subarray(2));
  },
};
