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
import { asArray, asBytes, bytesText, emptyItems, itemField, parseItemField } from './layout.js';
import { layoutRefusal } from './layout-version.js';
import { LOAD_CONTEXT, loadContextArgs, parseLoadContext } from './load-context.js';
import { permissionError } from './permission.js';
import {
  NEEDS_SCRIPT,
  parseRecentLoad,
  RECENT_LOAD_FIELDS,
  servedBySlots,
} from './recent-slots.js';
import { SlotMemory, slotTurnsOf } from './slot-plan.js';
import { parseWriteContext, WRITE_CONTEXT, writeContextArgs } from './write-context.js';

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

/**
 * The context-storage primitives over the one Redis layout (its vocabulary: `layout.ts`): a hash
 * per context at `<prefix>::<id>` holding the main fields and one field per turn item (`l:7`,
 * `q:7`, `r:7`) and the recent slots (`recent-slots.ts`). A load with the usual windows is one
 * HMGET, a wider one and a save one script call, on one key each, so they cost one round trip
 * whatever the dialog length and never cross slots (a load needs a second only when items beyond
 * the current turn hide the window from the slots); batches are one pipeline; `count`, `listIds`
 * and `clear` SCAN every master inside the prefix only.
 */
export class RedisLayoutDriver implements ContextStorageDriver {
  readonly name: string;
  readonly location: string;
  readonly capabilities = REDIS_CAPABILITIES;
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeyspace;
  /** What the recent slots of the contexts loaded or written last hold (`slot-plan.ts`). */
  readonly #slots = new SlotMemory();

  /**
   * @param connection - the client binding (ioredis, node-redis)
   * @param keyspace - the storage's prefix
   * @param location - where the data is (see `storageLocation`), derived by the storage
   */
  constructor(connection: RedisConnection, keyspace: RedisKeyspace, location: string) {
    this.#connection = connection;
    this.#keys = keyspace;
    this.name = connection.name;
    this.location = location;
  }

  async load(ids: readonly string[], windows: LoadWindows): Promise<(StoredContext | undefined)[]> {
    if (!servedBySlots(windows)) return this.#loadByScript(ids, windows);
    // The usual load: one plain HMGET of the recent slots; the script only for what they cannot tell.
    const replies = await this.#send(
      ids.map((id) => ({
        kind: 'command',
        command: 'HMGET',
        key: this.#keys.key(id),
        args: RECENT_LOAD_FIELDS as string[],
      })),
      ids,
    );
    const loaded = replies.map((reply, index) => {
      const id = ids[index]!;
      const context = parseRecentLoad(id, reply, windows);
      // What the slots hold at this version, for the next save (slot-plan.ts).
      const held =
        context === NEEDS_SCRIPT || context === undefined
          ? undefined
          : slotTurnsOf(reply as RedisReply[]);
      if (held === undefined) this.#slots.forget(id);
      else {
        const { version, createdAt } = (context as StoredContext).main;
        this.#slots.remember(id, { version, createdAt, held });
      }
      return context;
    });
    const unsure = ids.filter((_, index) => loaded[index] === NEEDS_SCRIPT);
    if (unsure.length === 0) return loaded as (StoredContext | undefined)[];
    const scripted = await this.#loadByScript(unsure, windows);
    let next = 0;
    return loaded.map((context) => (context === NEEDS_SCRIPT ? scripted[next++] : context));
  }

  async #loadByScript(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    const args = loadContextArgs(windows);
    const replies = await this.#send(
      ids.map((id) => ({ kind: 'script', script: LOAD_CONTEXT, key: this.#keys.key(id), args })),
      ids,
    );
    return replies.map((reply, index) => parseLoadContext(ids[index]!, reply));
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
        const name = bytesText(pairs[index]!);
        const item = parseItemField(name);
        if (item === undefined) continue;
        const wanted = request[item.field];
        if (wanted === 'all' || wanted?.includes(item.turnId)) {
          out[item.field].set(item.turnId, asBytes(id, name, pairs[index + 1]!));
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
    const plans = writes.map((write) => this.#slots.plan(write));
    for (const write of writes) this.#slots.forget(write.id);
    const replies = await this.#send(
      writes.map((write, index) => ({
        kind: 'script',
        script: WRITE_CONTEXT,
        key: this.#keys.key(write.id),
        args: writeContextArgs(write, plans[index]),
      })),
      writes.map((write) => write.id),
    );
    return replies.map((reply, index) => {
      const write = writes[index]!;
      const outcome = parseWriteContext(write.id, reply);
      const plan = plans[index];
      // What this write left in the slots, for the next save of this version.
      if (outcome.ok && plan !== undefined) {
        this.#slots.remember(write.id, {
          version: outcome.version,
          createdAt: write.main.createdAt,
          held: plan.held,
        });
      }
      return outcome;
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
    for (const id of ids) this.#slots.forget(id);
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
    this.#slots.clear();
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

  /**
   * Sends calls; a refused call becomes the typed error of the context it was for. A script that
   * found its key gone from a slot being migrated (only after it dropped a key of another type,
   * {@link WRITE_CONTEXT}) is sent once more: the client then follows the ASK to the new owner.
   */
  async #send(calls: RedisCall[], ids: readonly string[]): Promise<RedisReply[]> {
    const replies = await this.#connection.send(calls);
    const again = calls.flatMap((_, index) => (isNonLocal(replies[index]) ? [index] : []));
    if (again.length > 0) {
      const retried = await this.#connection.send(again.map((index) => calls[index]!));
      again.forEach((index, position) => {
        replies[index] = retried[position]!;
      });
    }
    replies.forEach((reply, index) => {
      if (reply instanceof Error) throw refusal(ids[index]!, reply, this.name);
    });
    return replies;
  }
}

/** Redis's answer to a script whose command touched a key this node does not serve (now). */
function isNonLocal(reply: RedisReply | undefined): boolean {
  return (
    reply instanceof Error && reply.message.includes('Script attempted to access a non local key')
  );
}

/**
 * A command the server refused: damaged data for WRONGTYPE, a missing ACL permission for NOPERM,
 * a context of another layout version for WRITE_CONTEXT's `CSLAYOUT`, a backend failure otherwise.
 */
function refusal(id: string, error: Error, client: string): Error {
  const context = `Redis refused a command of ${client}`;
  const denied = permissionError(context, error);
  if (denied !== undefined) return denied;
  const otherLayout = layoutRefusal(id, error);
  if (otherLayout !== undefined) return otherLayout;
  if (/WRONGTYPE/.test(error.message)) {
    return new CorruptDataError(id, 'main', 'the key does not hold a context hash', {
      cause: error,
    });
  }
  return new ConnectionError(`${context}: ${error.message}`, {
    cause: error,
  });
}
