import { NO_SLOTS, planSlots, writeContextArgs } from '@context-storage/redis-layout';
import { DEFAULT_SHAPE } from './config.js';
import type { RedisMeter } from './redis-meter.js';
import { turnValues } from './shapes.js';
import type { RawCommands } from './targets/raw-commands.js';
import type { ClientName } from './targets/target.js';
import type { RedisCounters } from './traffic.js';

/**
 * What Redis spends, at the least, on a save of one turn sent as a script: the same fields and
 * values as the adapter's save sends (main fields and the turn's 3 items), measured on the
 * bench's server in the same run as the targets.
 */
export interface ScriptFloorResult {
  client: ClientName;
  /** Calls timed per figure. */
  calls: number;
  /** Bytes of arguments per call (the field, value pairs). */
  argumentBytes: number;
  /** µs per plain `HSET` of the pairs (commandstats). */
  plainHsetMicros: number;
  /** µs per `EVALSHA` of a script that only runs that `HSET`, its own time included. */
  hsetScriptMicros: number;
  /** µs per `EVALSHA` of `return 1` given the same arguments. */
  emptyScriptMicros: number;
}

const HSET_SCRIPT = "redis.call('HSET', KEYS[1], unpack(ARGV)) return 1";
const EMPTY_SCRIPT = 'return 1';

/** The field, value pairs a save of turn `turnId` sets (slots decided in Node), as text. */
function savePairs(turnId: number): string[] {
  const { label, request, response } = turnValues(DEFAULT_SHAPE, turnId);
  const write = {
    id: 'floor',
    expectedVersion: 1,
    expectedCreatedAt: 1,
    replace: false,
    main: { currentTurnId: turnId, createdAt: 1, updatedAt: Date.now() },
    set: [
      { field: 'labels' as const, turnId, payload: JSON.stringify(label) },
      { field: 'requests' as const, turnId, payload: JSON.stringify(request) },
      { field: 'responses' as const, turnId, payload: JSON.stringify(response) },
    ].map((item) => ({ ...item, payload: new TextEncoder().encode(item.payload) })),
    delete: [],
  };
  const args = writeContextArgs(write, planSlots(NO_SLOTS, write));
  // Five fixed arguments, no delete, the count of slot triples and the triples: the pairs follow.
  const triples = Math.abs(Number(args[5]));
  return args
    .slice(6 + 3 * triples)
    .map((arg) => (typeof arg === 'string' ? arg : new TextDecoder().decode(arg)));
}

function usec(counters: RedisCounters, command: string, calls: number): number {
  return (counters.commands[command]?.usec ?? Number.NaN) / calls;
}

/**
 * Times `calls` plain HSETs, `calls` EVALSHA of a script running only that HSET and `calls`
 * EVALSHA of an empty script with the same arguments, on `key` (deleted after). Cost: 3 x `calls`
 * round trips.
 */
export async function measureScriptFloor(
  raw: RawCommands,
  meter: RedisMeter,
  key: string,
  calls = 500,
): Promise<ScriptFloorResult> {
  const hsetSha = String(await raw.scriptLoad(HSET_SCRIPT));
  const emptySha = String(await raw.scriptLoad(EMPTY_SCRIPT));
  const pairs = Array.from({ length: calls }, (_, index) => savePairs(index + 11));
  const timed = async (send: (args: string[]) => Promise<unknown>) => {
    await meter.start();
    for (const args of pairs) await send(args);
    return meter.stop();
  };
  try {
    const plain = await timed((args) => raw.hset(key, args));
    const script = await timed((args) => raw.evalsha(hsetSha, key, args));
    const empty = await timed((args) => raw.evalsha(emptySha, key, args));
    return {
      client: raw.client,
      calls,
      argumentBytes: pairs[0]!.reduce((sum, arg) => sum + Buffer.byteLength(arg), 0),
      plainHsetMicros: usec(plain, 'hset', calls),
      hsetScriptMicros: usec(script, 'evalsha', calls),
      emptyScriptMicros: usec(empty, 'evalsha', calls),
    };
  } finally {
    await raw.unlink([key]);
  }
}
