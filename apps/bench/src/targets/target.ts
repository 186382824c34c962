import type { DialogShape } from '../shapes.js';
import type { StatementCounting } from '../statements.js';

/**
 * What a turn is measured on: `adapter`, a storage of this project; `whole-context`, the older
 * Chatsky/DFF design (the whole context as one JSON document read and written every turn: GET +
 * SET on Redis, SELECT + upsert of a JSONB row on PostgreSQL); `raw-layout`,
 * the raw client sending the very commands the Redis adapters send; `raw-set-get`, the raw
 * client's plain GET + SET of the new turn's payload.
 */
export type TargetKind = 'adapter' | 'whole-context' | 'raw-layout' | 'raw-set-get';

/**
 * The client libraries the baselines run on: the Redis ones, node-postgres (`pg`) and PGlite.
 * An adapter's client is the one its baselines share.
 */
export type ClientName = 'ioredis' | 'node-redis' | 'pg' | 'pglite';

/** Something one bot turn (load, add a turn, save) can be timed on. */
export interface TurnTarget {
  /** What a reader sees: `ioredis`, `whole-context (ioredis)`... */
  readonly name: string;
  readonly kind: TargetKind;
  /** The client library of a Redis target. */
  readonly client: ClientName | undefined;
  /** Whether it talks to the bench's Redis (its traffic is counted). */
  readonly usesRedis: boolean;
  /** How its SQL statements are counted (PostgreSQL and PGlite targets only). */
  readonly statements?: StatementCounting;
  /**
   * The backend it is measured next to, so that the ratios between them compare figures taken
   * seconds apart. Default: the backend named like its client (a Redis baseline beside its adapter).
   */
  readonly beside?: string;
  /** Stores new dialogs of `turns` turns under `ids` (untimed preparation). */
  seed(ids: readonly string[], shape: DialogShape, turns: number): Promise<void>;
  /** One turn of the dialog `id`: load it, add the next turn, save it. */
  turn(id: string, shape: DialogShape): Promise<void>;
  /**
   * The load of `turn` alone (Redis targets whose turn mixes plain commands and scripts): timed
   * apart so that the server time of its plain commands is told from the same commands inside the
   * save's script.
   */
  load?(id: string): Promise<void>;
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
