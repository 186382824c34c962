import type { NodeRedisSingleClient } from '@context-storage/node-redis';
import type { Redis } from 'ioredis';
import { type ClientName, inChunks } from './target.js';

/**
 * The few commands the baselines send, straight through a client library's own API (no
 * context-storage code): replies come back as the library decodes them by default (text).
 */
export interface RawCommands {
  readonly client: ClientName;
  /** `EVALSHA sha 1 key ...args`. */
  evalsha(sha: string, key: string, args: readonly string[]): Promise<unknown>;
  /** `HSET key ...pairs` (field, value, ...). */
  hset(key: string, pairs: readonly string[]): Promise<unknown>;
  /** `HMGET key ...fields`. */
  hmget(key: string, fields: readonly string[]): Promise<(string | null)[]>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  /** `UNLINK` of a batch of keys. */
  unlink(keys: readonly string[]): Promise<unknown>;
  /** `SCRIPT LOAD source`, so that EVALSHA finds it. */
  scriptLoad(source: string): Promise<unknown>;
}

/** The raw commands over an ioredis client. */
export function ioredisCommands(client: Redis): RawCommands {
  return {
    client: 'ioredis',
    evalsha: (sha, key, args) => client.evalsha(sha, 1, key, ...args),
    hmget: (key, fields) => client.hmget(key, ...fields),
    hset: (key, pairs) => client.hset(key, ...pairs),
    get: (key) => client.get(key),
    set: (key, value) => client.set(key, value),
    unlink: (keys) => client.unlink(...keys),
    scriptLoad: (source) => client.script('LOAD', source),
  };
}

/** The raw commands over a node-redis client. */
export function nodeRedisCommands(client: NodeRedisSingleClient): RawCommands {
  return {
    client: 'node-redis',
    evalsha: (sha, key, args) => client.evalSha(sha, { keys: [key], arguments: [...args] }),
    hmget: (key, fields) => client.hmGet(key, [...fields]) as Promise<(string | null)[]>,
    hset: (key, pairs) => client.sendCommand(['HSET', key, ...pairs]),
    get: (key) => client.get(key) as Promise<string | null>,
    set: (key, value) => client.set(key, value),
    unlink: (keys) => client.unlink([...keys]),
    scriptLoad: (source) => client.scriptLoad(source),
  };
}

/** The keys a baseline stored, under `<prefix>::<id>`, so that it can delete them again. */
export class BaselineKeys {
  readonly #keys = new Set<string>();

  constructor(
    readonly raw: RawCommands,
    readonly prefix: string,
  ) {}

  /** The key of `id`. */
  key(id: string): string {
    return `${this.prefix}::${id}`;
  }

  /** The key of `id`, remembered for {@link clear}. */
  track(id: string): string {
    const key = this.key(id);
    this.#keys.add(key);
    return key;
  }

  /** UNLINKs every remembered key, 500 per call. */
  async clear(): Promise<void> {
    await inChunks([...this.#keys], 500, (keys) => this.raw.unlink(keys));
    this.#keys.clear();
  }
}
