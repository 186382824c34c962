// Resharding a test cluster by hand, one slot at a time, the way `redis-cli --cluster reshard`
// does it, so that a test can move slots exactly when it wants (between two pages of a listing).
import { type RespTarget, type RespValue, respCommand } from './resp.js';

/** Options of `migrateSlot`. */
export interface MigrateSlotOptions {
  /** Keys moved per `MIGRATE` (default 100). */
  batch?: number;
  /** Called after each batch of keys moved, while the slot is half-way (IMPORTING / MIGRATING). */
  onBatch?: (moved: number) => Promise<void> | void;
  /** `MIGRATE` timeout in ms (default 5000). */
  timeoutMs?: number;
}

async function call(target: RespTarget, args: readonly string[]): Promise<RespValue> {
  const reply = await respCommand(target, args, { timeoutMs: 10_000 });
  if (reply instanceof Error) throw reply;
  return reply;
}

/**
 * Moves one hash slot with its keys from master `from` to master `to`: `SETSLOT IMPORTING` on the
 * target, `SETSLOT MIGRATING` on the source, `GETKEYSINSLOT` + `MIGRATE ... KEYS` until the slot is
 * empty on the source, then `SETSLOT NODE` on the target, the source and every other master
 * (`masters`), so that every node knows the new owner at once instead of through gossip. Cost:
 * about 8 commands plus one `MIGRATE` per `batch` keys, each over a fresh connection.
 *
 * @returns the number of keys moved
 * @throws `RedisReplyError` when a node refuses a step (the slot is then left half-way)
 */
export async function migrateSlot(
  masters: readonly RespTarget[],
  slot: number,
  from: RespTarget,
  to: RespTarget,
  options: MigrateSlotOptions = {},
): Promise<number> {
  const batch = options.batch ?? 100;
  const timeout = String(options.timeoutMs ?? 5000);
  const [fromId, toId] = await Promise.all([
    call(from, ['CLUSTER', 'MYID']),
    call(to, ['CLUSTER', 'MYID']),
  ]);
  const s = String(slot);
  await call(to, ['CLUSTER', 'SETSLOT', s, 'IMPORTING', String(fromId)]);
  await call(from, ['CLUSTER', 'SETSLOT', s, 'MIGRATING', String(toId)]);
  let moved = 0;
  for (;;) {
    const keys = (await call(from, ['CLUSTER', 'GETKEYSINSLOT', s, String(batch)])) as string[];
    if (keys.length === 0) break;
    const auth = to.password === undefined ? [] : ['AUTH2', to.username ?? 'default', to.password];
    await call(from, [
      'MIGRATE',
      to.host,
      String(to.port),
      '',
      '0',
      timeout,
      ...auth,
      'KEYS',
      ...keys,
    ]);
    moved += keys.length;
    await options.onBatch?.(moved);
  }
  await call(to, ['CLUSTER', 'SETSLOT', s, 'NODE', String(toId)]);
  await call(from, ['CLUSTER', 'SETSLOT', s, 'NODE', String(toId)]);
  const address = (target: RespTarget) => `${target.host}:${target.port}`;
  for (const master of masters) {
    if (address(master) === address(from) || address(master) === address(to)) continue;
    await call(master, ['CLUSTER', 'SETSLOT', s, 'NODE', String(toId)]);
  }
  return moved;
}
