import type { scanCluster } from './cluster-listing.js';
import type { keySlot } from './key-slot.js';
import type { scanSingleServer } from './master-scan.js';

/** A Lua script of the layout, with its SHA1 for EVALSHA. */
export interface LuaScript {
  /** Short name, usable as a command name by clients that define scripts (`csLoad`). */
  readonly name: string;
  /** Lua source. */
  readonly source: string;
  /** SHA1 of the source, as EVALSHA wants it. */
  readonly sha1: string;
}

/** One call on one key: the only kind of work the layout sends, so it is always cluster-safe. */
export type RedisCall =
  | {
      readonly kind: 'script';
      readonly script: LuaScript;
      readonly key: string;
      readonly args: readonly (string | Uint8Array)[];
    }
  | {
      readonly kind: 'command';
      readonly command: 'HMGET' | 'HGETALL' | 'EXISTS' | 'UNLINK';
      readonly key: string;
      readonly args: readonly string[];
    };

/**
 * A server reply, with every bulk string as bytes: `null` for a nil, numbers for integers, arrays
 * for multi-bulk replies, and an `Error` for a command the server refused (WRONGTYPE, NOPERM...).
 */
export type RedisReply = Uint8Array | number | null | RedisReply[] | Error;

/** A page of keys from {@link RedisConnection.scan}. */
export interface KeyPage {
  keys: string[];
  /** Opaque cursor of the next page; `undefined` when every master has been scanned. */
  cursor: string | undefined;
}

/**
 * What the layout needs from a Redis client: the binding an adapter writes (ioredis,
 * node-redis). Three operations, whatever the topology.
 */
export interface RedisConnection {
  /** Client name, for messages: `ioredis`, `node-redis`. */
  readonly name: string;
  /**
   * Sends the calls in ONE round trip (on a cluster, one pipeline per master serving their keys'
   * slots as Redis computes them, {@link keySlot}, sent in parallel; a redirection, MOVED or ASK,
   * is followed, never returned) and resolves one reply per call, in order. Scripts run with
   * EVALSHA, falling back to EVAL when the server does not know the script yet. A call the server refused yields an `Error` in its slot.
   *
   * @throws `ConnectionError` when the server cannot be reached or does not answer in time
   */
  send(calls: readonly RedisCall[]): Promise<RedisReply[]>;
  /**
   * One page of SCAN over every master, keys matching `match`, about `count` per page:
   * {@link scanSingleServer} on one server, {@link scanCluster} on a cluster (which lists every
   * key stored for the whole listing, also while slots move).
   *
   * @throws `ConnectionError`; `InvalidArgumentError` for a cursor no page returned
   */
  scan(cursor: string | undefined, match: string, count: number): Promise<KeyPage>;
  /** Closes the connection if the adapter owns it (not a client the user passed in). */
  close(): Promise<void>;
}

/** A payload or argument as the clients want it: text as is, bytes as a Buffer (no copy). */
export function asBuffer(arg: string | Uint8Array): string | Buffer {
  return typeof arg === 'string' || Buffer.isBuffer(arg)
    ? arg
    : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
}

/** Reconnect back-off after an outage, by attempt (1, 2, ...): 50 ms, 100 ms, ... at most 2 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 50, 2_000);
}
