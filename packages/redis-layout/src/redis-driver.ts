import {
  ConnectionError,
  CorruptDataError,
  type LoadWindows,
  type StorageCapabilities,
  TURN_FIELDS,
  type TurnField,
} from '@context-storage/core';
import type {
  ContextStorageDriver,
  ContextWrite,
  IdPage,
  ItemsRequest,
  StoredContext,
  StoredItems,
  WriteOutcome,
} from '@context-storage/core/adapter';
import type { RedisCall, RedisConnection, RedisReply } from './connection.js';
import type { RedisKeyspace } from './keyspace.js';
import { permissionError } from './permission.js';
import { ITEM_TAGS, itemField, LOAD_CONTEXT, WRITE_CONTEXT } from './scripts.js';

/** Redis expires keys itself and runs each script atomically, for every client of the server. */
export const REDIS_CAPABILITIES: StorageCapabilities = Object.freeze({
  ttl: true,
  crossInstanceCompareAndSet: true,
  listIds: true,
});

/** Keys deleted per round trip by `clear()`. */
const CLEAR_BATCH = 500;
/** Keys per SCAN page when counting or clearing. */
const SCAN_COUNT = 1000;

const text = new TextDecoder();

/**
 * The context-storage primitives over the one Redis layout: a hash per context at
 * `<prefix>::<id>` holding `version`, `turn`, `created`, `updated`, `expires`, `misc`, `framework`
 * and one field per turn item (`l:7`, `q:7`, `r:7`). Loads and saves are one script call on one
 * key each, so they cost one round trip whatever the dialog length and never cross slots; batches
 * are one pipeline; `count`, `listIds` and `clear` SCAN every master inside the prefix only.
 */
export class RedisLayoutDriver implements ContextStorageDriver {
  readonly name: string;
  readonly location: string;
  readonly capabilities = REDIS_CAPABILITIES;
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeyspace;

  /**
   * @param connection - the client binding (ioredis, node-redis)
   * @param keyspace - the storage's prefix
   */
  constructor(connection: RedisConnection, keyspace: RedisKeyspace) {
    this.#connection = connection;
    this.#keys = keyspace;
    this.name = connection.name;
    this.location = `${connection.location}?prefix=${encodeURIComponent(keyspace.prefix)}`;
  }

  async load(ids: readonly string[], windows: LoadWindows): Promise<(StoredContext | undefined)[]> {
    const args = TURN_FIELDS.map((field) => {
      const window = windows[field];
      return window === 'all' ? '-1' : String(window);
    });
    const replies = await this.#send(
      ids.map((id) => ({ kind: 'script', script: LOAD_CONTEXT, key: this.#keys.key(id), args })),
      ids,
    );
    return replies.map((reply, index) => parseContext(ids[index]!, reply));
  }

  async loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    const out = emptyItems();
    const wantsAll = TURN_FIELDS.some((field) => request[field] === 'all');
    if (wantsAll) {
      // Every item of some field: one HGETALL, then keep what was asked for.
      const [reply] = await this.#send(
        [{ kind: 'command', command: 'HGETALL', key: this.#keys.key(id), args: [] }],
        [id],
      );
      const pairs = asArray(id, reply);
      for (let index = 0; index + 1 < pairs.length; index += 2) {
        const item = parseItemField(bytesText(pairs[index]!));
        if (item === undefined) continue;
        const wanted = request[item.field];
        if (wanted === 'all' || wanted?.includes(item.turnId)) {
          out[item.field].set(item.turnId, asBytes(id, item.name, pairs[index + 1]!));
        }
      }
      return out;
    }
    const refs = TURN_FIELDS.flatMap((field) =>
      ((request[field] as readonly number[] | undefined) ?? []).map((turnId) => ({
        field,
        turnId,
      })),
    );
    if (refs.length === 0) return out;
    const [reply] = await this.#send(
      [
        {
          kind: 'command',
          command: 'HMGET',
          key: this.#keys.key(id),
          args: refs.map(({ field, turnId }) => itemField(field, turnId)),
        },
      ],
      [id],
    );
    asArray(id, reply).forEach((value, index) => {
      const { field, turnId } = refs[index]!;
      if (value !== null) out[field].set(turnId, asBytes(id, itemField(field, turnId), value));
    });
    return out;
  }

  async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const replies = await this.#send(
      writes.map((write) => ({
        kind: 'script',
        script: WRITE_CONTEXT,
        key: this.#keys.key(write.id),
        args: writeArgs(write),
      })),
      writes.map((write) => write.id),
    );
    return replies.map((reply, index) => {
      const [applied, version] = asArray(writes[index]!.id, reply);
      if (applied === 1) return { ok: true, version: Number(version) };
      return {
        ok: false,
        actualVersion:
          version === null || version === undefined ? undefined : Number(bytesText(version)),
      };
    });
  }

  async has(ids: readonly string[]): Promise<boolean[]> {
    const replies = await this.#send(
      ids.map((id) => ({ kind: 'command', command: 'EXISTS', key: this.#keys.key(id), args: [] })),
      ids,
    );
    return replies.map((reply) => reply === 1);
  }

  async delete(ids: readonly string[]): Promise<number> {
    const replies = await this.#send(
      ids.map((id) => ({ kind: 'command', command: 'UNLINK', key: this.#keys.key(id), args: [] })),
      ids,
    );
    return replies.reduce<number>((sum, reply) => sum + (reply === 1 ? 1 : 0), 0);
  }

  async count(): Promise<number> {
    const seen = new Set<string>();
    for await (const keys of this.#scanAll()) for (const key of keys) seen.add(key);
    return seen.size;
  }

  async listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    const page = await this.#connection.scan(cursor, this.#keys.pattern, pageSize);
    return {
      ids: page.keys.filter((key) => this.#keys.owns(key)).map((key) => this.#keys.idOf(key)),
      cursor: page.cursor,
    };
  }

  async clear(): Promise<void> {
    for await (const keys of this.#scanAll()) {
      for (let start = 0; start < keys.length; start += CLEAR_BATCH) {
        const batch = keys.slice(start, start + CLEAR_BATCH);
        await this.#send(
          batch.map((key) => ({ kind: 'command', command: 'UNLINK', key, args: [] })),
          batch.map((key) => this.#keys.idOf(key)),
        );
      }
    }
  }

  close(): Promise<void> {
    return this.#connection.close();
  }

  async *#scanAll(): AsyncGenerator<string[]> {
    let cursor: string | undefined;
    do {
      const page = await this.#connection.scan(cursor, this.#keys.pattern, SCAN_COUNT);
      yield page.keys.filter((key) => this.#keys.owns(key));
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /** Sends calls; a refused call becomes the typed error of the context it was for. */
  async #send(calls: RedisCall[], ids: readonly string[]): Promise<RedisReply[]> {
    const replies = await this.#connection.send(calls);
    replies.forEach((reply, index) => {
      if (reply instanceof Error) throw refusal(ids[index]!, reply, this.name);
    });
    return replies;
  }
}

/** The ARGV of WRITE_CONTEXT for one write. */
function writeArgs(write: ContextWrite): (string | Uint8Array)[] {
  const { main } = write;
  const deletes = write.delete.map(({ field, turnId }) => itemField(field, turnId));
  if (main.expiresAt === undefined) deletes.push('expires');
  const sets: (string | Uint8Array)[] = [
    'turn',
    String(main.currentTurnId),
    'created',
    String(main.createdAt),
    'updated',
    String(main.updatedAt),
  ];
  if (main.expiresAt !== undefined) sets.push('expires', String(main.expiresAt));
  if (main.misc !== undefined) sets.push('misc', main.misc);
  if (main.frameworkData !== undefined) sets.push('framework', main.frameworkData);
  for (const { field, turnId, payload } of write.set) sets.push(itemField(field, turnId), payload);
  return [
    String(write.expectedVersion ?? -1),
    write.expectedCreatedAt === undefined ? '' : String(write.expectedCreatedAt),
    write.replace ? '1' : '0',
    // PEXPIRE, relative to Redis's clock, from the expiry instant (at least 1 ms: 0 means none).
    String(main.expiresAt === undefined ? 0 : Math.max(1, main.expiresAt - Date.now())),
    String(deletes.length),
    ...deletes,
    ...sets,
  ];
}

/** Parses the reply of LOAD_CONTEXT; numbers stay unchecked (core reports bad ones as corrupt). */
function parseContext(id: string, reply: RedisReply): StoredContext | undefined {
  if (reply === null) return undefined;
  const parts = asArray(id, reply);
  const number = (index: number): number => {
    const value = parts[index];
    return value === null || value === undefined ? Number.NaN : Number(bytesText(value));
  };
  const payload = (index: number, part: string) => {
    const value = parts[index];
    if (value === null || value === undefined)
      throw new CorruptDataError(id, part, 'it is missing');
    return asBytes(id, part, value);
  };
  const items = emptyItems();
  TURN_FIELDS.forEach((field, offset) => {
    const flat = asArray(id, parts[7 + offset] ?? []);
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const turnId = Number(bytesText(flat[index]!));
      items[field].set(turnId, asBytes(id, `${field}[${turnId}]`, flat[index + 1]!));
    }
  });
  const expires = parts[4];
  return {
    main: {
      version: number(0),
      currentTurnId: number(1),
      createdAt: number(2),
      updatedAt: number(3),
      ...(expires === null || expires === undefined ? {} : { expiresAt: number(4) }),
      misc: payload(5, 'misc'),
      frameworkData: payload(6, 'frameworkData'),
    },
    items,
  };
}

const TAG_FIELDS = new Map(TURN_FIELDS.map((field) => [ITEM_TAGS[field], field]));

/** `l:7` -> labels, 7; main fields -> undefined. */
function parseItemField(
  name: string,
): { field: TurnField; turnId: number; name: string } | undefined {
  const field = TAG_FIELDS.get(name.slice(0, 1));
  if (field === undefined || name[1] !== ':') return undefined;
  const turnId = Number(name.slice(2));
  return Number.isSafeInteger(turnId) && turnId >= 0 ? { field, turnId, name } : undefined;
}

function emptyItems(): Record<TurnField, StoredItems> {
  return { labels: new Map(), requests: new Map(), responses: new Map() };
}

function asArray(id: string, reply: RedisReply | undefined): RedisReply[] {
  if (!Array.isArray(reply)) {
    throw new CorruptDataError(id, 'main', `unexpected reply from Redis: ${describe(reply)}`);
  }
  return reply;
}

function asBytes(id: string, part: string, reply: RedisReply): Uint8Array {
  if (!(reply instanceof Uint8Array)) {
    throw new CorruptDataError(id, part, `unexpected reply from Redis: ${describe(reply)}`);
  }
  return reply;
}

function bytesText(reply: RedisReply): string {
  return reply instanceof Uint8Array ? text.decode(reply) : String(reply);
}

function describe(reply: RedisReply | undefined): string {
  return reply === null ? 'nil' : Array.isArray(reply) ? 'an array' : typeof reply;
}

/**
 * A command the server refused: damaged data for WRONGTYPE, a missing ACL permission for NOPERM,
 * a backend failure otherwise.
 */
function refusal(id: string, error: Error, client: string): Error {
  const context = `Redis refused a command of ${client}`;
  const denied = permissionError(context, error);
  if (denied !== undefined) return denied;
  if (/WRONGTYPE/.test(error.message)) {
    return new CorruptDataError(id, 'main', 'the key does not hold a context hash', {
      cause: error,
    });
  }
  return new ConnectionError(`${context}: ${error.message}`, {
    cause: error,
  });
}
