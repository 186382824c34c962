import type { DialogShape } from '../shapes.js';

/**
 * What a turn is measured on: `adapter`, a storage of this project; `whole-context`, the older
 * Chatsky/DFF design (the whole context as one JSON string, GET + SET every turn); `raw-layout`,
 * the raw client sending the very commands the Redis adapters send; `raw-set-get`, the raw
 * client's plain GET + SET of the new turn's payload.
 */
export type TargetKind = 'adapter' | 'whole-context' | 'raw-layout' | 'raw-set-get';

/** The Redis client libraries the baselines run on. */
export type ClientName = 'ioredis' | 'node-redis';

/** Something one bot turn (load, add a turn, save) can be timed on. */
export interface TurnTarget {
  /** What a reader sees: `ioredis`, `whole-context (ioredis)`... */
  readonly name: string;
  readonly kind: TargetKind;
  /** The client library of a Redis target. */
  readonly client: ClientName | undefined;
  /** Whether it talks to the bench's Redis (its traffic is counted). */
  readonly usesRedis: boolean;
  /** Stores new dialogs of `turns` turns under `ids` (untimed preparation). */
  seed(ids: readonly string[], shape: DialogShape, turns: number): Promise<void>;
  /** One turn of the dialog `id`: load it, add the next turn, save it. */
  turn(id: string, shape: DialogShape): Promise<void>;
  /** Deletes everything it stored. */
  clear(): Promise<void>;
}

/** Runs `write` over `ids` in chunks of `size`, one chunk after the other. */
export async function inChunks(
  ids: readonly string[],
  size: number,
  write: (chunk: readonly string[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < ids.length; start += size) {
    await write(ids.slice(start, start + size));
  }
}
