import type { DBContextStorage } from '@context-storage/core';
import { buildDialog, type DialogShape, turnValues } from '../shapes.js';
import type { StatementMeter } from '../statements.js';
import { type ClientName, inChunks, type TurnTarget } from './target.js';

/** Contexts per `setItems` call when seeding: at most 20, and at most ~10,000 turns per call. */
const seedBatch = (turns: number) => Math.max(1, Math.min(20, Math.floor(10_000 / turns)));

/**
 * One bot turn through a storage: `getItem` (main info and the latest turns), `addTurn` with the
 * next turn's values, `setItem` (a version-checked save of the changes).
 *
 * @throws when the context is missing, and whatever the storage throws
 */
export async function storageTurn(
  storage: DBContextStorage,
  id: string,
  shape: DialogShape,
): Promise<void> {
  const context = await storage.getItem(id);
  if (context === undefined) throw new Error(`context ${id} is missing`);
  context.addTurn(turnValues(shape, context.currentTurnId + 1));
  await storage.setItem(id, context);
}

/** Saves new dialogs of `turns` turns under `ids`, a batch at a time. */
export function seedStorage(
  storage: DBContextStorage,
  ids: readonly string[],
  shape: DialogShape,
  turns: number,
): Promise<void> {
  // One statement per call on PostgreSQL: 20 dialogs of 10,000 turns (600,000 items) outlast its
  // 5 s statement bound.
  return inChunks(ids, seedBatch(turns), (chunk) =>
    storage.setItems(chunk.map((id) => [id, buildDialog(id, shape, turns)] as const)),
  );
}

/** How an adapter target is measured besides its turns. */
export interface AdapterTargetOptions {
  client: ClientName | undefined;
  usesRedis: boolean;
  /** Counts its SQL statements (a load alone is `getItem`). */
  meter?: StatementMeter | undefined;
  /** See {@link TurnTarget.beside}. */
  beside?: string | undefined;
}

/** A storage of this project as a turn target. */
export function adapterTarget(
  name: string,
  storage: DBContextStorage,
  { client, usesRedis, meter, beside }: AdapterTargetOptions,
): TurnTarget {
  return {
    name,
    kind: 'adapter',
    client,
    usesRedis,
    ...(meter === undefined ? {} : { statements: { meter, load: (id) => storage.getItem(id) } }),
    ...(beside === undefined ? {} : { beside }),
    seed: (ids, shape, turns) => seedStorage(storage, ids, shape, turns),
    turn: (id, shape) => storageTurn(storage, id, shape),
    ...(usesRedis ? { load: async (id: string) => void (await storage.getItem(id)) } : {}),
    clear: () => storage.clear(),
  };
}
