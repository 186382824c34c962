import {
  ConnectionError,
  CorruptDataError,
  UnsupportedOperationError,
} from '@context-storage/core';
import {
  boundedCall,
  type ContextStorageDriver,
  type ContextWrite,
  type IdPage,
  type ItemsRequest,
  type LoadWindows,
  type Payload,
  type StorageCapabilities,
  type StoredContext,
  type StoredItems,
  TURN_FIELDS,
  type TurnField,
  ttlLeftMs,
  versionMatches,
  type WriteOutcome,
  windowTurnIds,
} from '@context-storage/core/adapter';
import type Keyv from 'keyv';
import { keyvCall, keyvCapabilities, reportFailuresToCalls } from './keyv-versions.js';

/**
 * One context as one Keyv entry: a plain JSON-able object, so that every Keyv store and
 * serializer keeps it. Payloads are strings, or `{ base64 }` for bytes.
 */
export interface KeyvContextEntry {
  /** Format of the entry. */
  format: 1;
  /** The context id (Keyv keys may be rewritten by a store; the id is kept exactly here). */
  id: string;
  /** The storage's namespace: tells our entries from others in a shared store. */
  namespace: string;
  version: number;
  turn: number;
  created: number;
  updated: number;
  expires?: number;
  misc: StoredPayload;
  framework: StoredPayload;
  /** Turn items by field tag (`l`, `q`, `r`) and turn id. */
  items: Record<'l' | 'q' | 'r', Record<string, StoredPayload>>;
}

/** A payload inside an entry. */
export type StoredPayload = string | { base64: string };

const TAGS: Record<TurnField, 'l' | 'q' | 'r'> = { labels: 'l', requests: 'q', responses: 'r' };

/** Open listings kept between pages, at most this many (the oldest is dropped). */
const OPEN_LISTINGS = 32;

/**
 * The primitives over a Keyv instance and its namespace, one entry per context: a load is one
 * `get` per context (sent together), a save one `get` and one `set` of the whole context, so its
 * cost grows with the dialog (measured in the README). Within one storage instance the version
 * check and the write cannot interleave (core serializes them per id); across processes the last
 * writer wins.
 */
export class KeyvDriver implements ContextStorageDriver {
  readonly name = 'keyv';
  readonly capabilities: StorageCapabilities;
  readonly location: string;
  readonly #keyv: Keyv;
  readonly #namespace: string;
  readonly #ownsKeyv: boolean;
  readonly #commandTimeoutMs: number;
  readonly #listings = new Map<string, AsyncIterator<[string, unknown]>>();
  #listingCount = 0;

  /**
   * @param keyv - the Keyv instance, with a namespace
   * @param location - identifies the store and namespace (see `ContextStorageDriver.location`)
   * @param ownsKeyv - whether `close()` disconnects it
   * @param commandTimeoutMs - upper bound of every call to the store (0: none)
   */
  constructor(keyv: Keyv, location: string, ownsKeyv: boolean, commandTimeoutMs: number) {
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#keyv = keyv;
    this.#namespace = keyv.namespace ?? '';
    this.#ownsKeyv = ownsKeyv;
    this.capabilities = keyvCapabilities(keyv);
    this.location = location;
    reportFailuresToCalls(keyv);
  }

  async load(ids: readonly string[], windows: LoadWindows): Promise<(StoredContext | undefined)[]> {
    const entries = await this.#getMany(ids);
    return entries.map((entry, index) => {
      if (entry === undefined) return undefined;
      const id = ids[index]!;
      const items = {} as Record<TurnField, StoredItems>;
      for (const field of TURN_FIELDS) {
        const window = windows[field];
        items[field] = pickItems(
          id,
          entry,
          field,
          window === 'all' ? 'all' : windowTurnIds(entry.turn, window),
        );
      }
      return {
        main: {
          version: entry.version,
          currentTurnId: entry.turn,
          createdAt: entry.created,
          updatedAt: entry.updated,
          ...(entry.expires === undefined ? {} : { expiresAt: entry.expires }),
          misc: fromStored(id, 'misc', entry.misc),
          frameworkData: fromStored(id, 'frameworkData', entry.framework),
        },
        items,
      };
    });
  }

  async loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    const [entry] = await this.#getMany([id]);
    const out = {} as Record<TurnField, StoredItems>;
    for (const field of TURN_FIELDS) {
      const wanted = request[field];
      out[field] =
        entry === undefined || wanted === undefined
          ? new Map()
          : pickItems(id, entry, field, wanted);
    }
    return out;
  }

  async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const current = await this.#getMany(writes.map((write) => write.id));
    const outcomes: WriteOutcome[] = [];
    const sets: Promise<unknown>[] = [];
    writes.forEach((write, index) => {
      const entry = current[index];
      if (!versionMatches(write, entry && { version: entry.version, createdAt: entry.created })) {
        outcomes.push({ ok: false, actualVersion: entry?.version });
        return;
      }
      const next = applyWrite(this.#namespace, write, entry);
      outcomes.push({ ok: true, version: next.version });
      // ttl 0 means "no expiry" to Keyv, overriding a default TTL of the Keyv instance.
      const ttl = ttlLeftMs(write.main.expiresAt) ?? 0;
      sets.push(this.#call(() => this.#keyv.set(write.id, next, ttl)));
    });
    await Promise.all(sets);
    return outcomes;
  }

  async has(ids: readonly string[]): Promise<boolean[]> {
    return (await this.#getMany(ids)).map((entry) => entry !== undefined);
  }

  async delete(ids: readonly string[]): Promise<number> {
    const existing = (await this.#getMany(ids)).filter((entry) => entry !== undefined).length;
    await this.#call(() => Promise.all(ids.map((id) => this.#keyv.delete(id))));
    return existing;
  }

  async count(): Promise<number> {
    // Counting walks the listing: a store that cannot list would count 0, not its contexts.
    if (!this.capabilities.listIds)
      throw new UnsupportedOperationError(this.name, 'count contexts');
    let count = 0;
    for await (const _ of this.#entries()) count++;
    return count;
  }

  async listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    let token: string;
    let iterator = cursor === undefined ? undefined : this.#listings.get(cursor);
    if (iterator !== undefined) {
      token = cursor!;
    } else {
      if (cursor !== undefined) {
        throw new ConnectionError(
          'this id listing expired (too many listings were open at once); start it again',
        );
      }
      iterator = this.#entries()[Symbol.asyncIterator]() as AsyncIterator<[string, unknown]>;
      token = `listing-${++this.#listingCount}`;
      this.#listings.set(token, iterator);
      if (this.#listings.size > OPEN_LISTINGS) {
        const [oldest] = this.#listings.keys();
        this.#listings.delete(oldest!);
      }
    }
    const ids: string[] = [];
    while (ids.length < pageSize) {
      const next = await this.#call(() => iterator!.next());
      if (next.done) {
        this.#listings.delete(token);
        return { ids, cursor: undefined };
      }
      ids.push(next.value[0]);
    }
    return { ids, cursor: token };
  }

  async clear(): Promise<void> {
    if (this.#keyv.store instanceof Map) {
      // Keyv's clear() on a Map store empties the whole Map, other namespaces included: delete
      // this namespace's entries one by one instead.
      const ids: string[] = [];
      for await (const [id] of this.#entries()) ids.push(id);
      await this.#call(() => Promise.all(ids.map((id) => this.#keyv.delete(id))));
      return;
    }
    await this.#call(() => this.#keyv.clear());
  }

  async close(): Promise<void> {
    this.#listings.clear();
    if (this.#ownsKeyv) await this.#call(() => this.#keyv.disconnect());
  }

  /** This namespace's context entries, as `[id, entry]`; foreign entries are skipped. */
  async *#entries(): AsyncGenerator<[string, KeyvContextEntry]> {
    const store: unknown = this.#keyv.store;
    if (store instanceof Map) {
      // Keyv's own iterator over a Map filters by the namespace last set on the store, which is
      // wrong when several namespaces share one Map: read this namespace's keys directly.
      const head = `${this.#namespace}:`;
      for (const key of [...store.keys()]) {
        if (typeof key !== 'string' || !key.startsWith(head)) continue;
        const value: unknown = await this.#call(() => this.#keyv.get(key.slice(head.length)));
        if (isEntry(value) && value.namespace === this.#namespace) yield [value.id, value];
      }
      return;
    }
    const iterate = this.#keyv.iterator;
    if (typeof iterate !== 'function') return;
    const entries = (iterate as unknown as (this: Keyv) => AsyncIterable<[string, unknown]>)
      .call(this.#keyv)
      [Symbol.asyncIterator]();
    for (;;) {
      // Each step is bounded in time: a store that stops answering fails the listing.
      const next = await this.#call(() => entries.next());
      if (next.done) return;
      const [, value] = next.value;
      if (isEntry(value) && value.namespace === this.#namespace) yield [value.id, value];
    }
  }

  async #getMany(ids: readonly string[]): Promise<(KeyvContextEntry | undefined)[]> {
    const values = await this.#call(() => Promise.all(ids.map((id) => this.#keyv.get(id))));
    return values.map((value, index) => {
      if (value === undefined || value === null) return undefined;
      if (!isEntry(value)) {
        throw new CorruptDataError(ids[index]!, 'main', 'the Keyv entry is not a context');
      }
      return value;
    });
  }

  /** Runs a Keyv call within the time bound, turning its failures into ConnectionError. */
  #call<T>(operation: () => Promise<T>): Promise<T> {
    const bound = { timeoutMs: this.#commandTimeoutMs, description: 'the Keyv store' };
    return boundedCall(keyvCall(this.#keyv, operation), bound, 'a call');
  }
}

/** The entry after a write: the stored one (or nothing, for an overwrite) with the write applied. */
function applyWrite(
  namespace: string,
  write: ContextWrite,
  current: KeyvContextEntry | undefined,
): KeyvContextEntry {
  const stored = write.replace ? undefined : current;
  const items: KeyvContextEntry['items'] = {
    l: { ...stored?.items.l },
    q: { ...stored?.items.q },
    r: { ...stored?.items.r },
  };
  for (const { field, turnId } of write.delete) delete items[TAGS[field]][turnId];
  for (const { field, turnId, payload } of write.set)
    items[TAGS[field]][turnId] = toStored(payload);
  const misc = write.main.misc === undefined ? stored?.misc : toStored(write.main.misc);
  const framework =
    write.main.frameworkData === undefined ? stored?.framework : toStored(write.main.frameworkData);
  if (misc === undefined || framework === undefined) {
    throw new TypeError(`write of new context ${write.id} lacks misc or frameworkData`);
  }
  return {
    format: 1,
    id: write.id,
    namespace,
    version: (current?.version ?? 0) + 1,
    turn: write.main.currentTurnId,
    created: write.main.createdAt,
    updated: write.main.updatedAt,
    ...(write.main.expiresAt === undefined ? {} : { expires: write.main.expiresAt }),
    misc,
    framework,
    items,
  };
}

function pickItems(
  id: string,
  entry: KeyvContextEntry,
  field: TurnField,
  wanted: readonly number[] | 'all',
): StoredItems {
  const stored = entry.items[TAGS[field]] ?? {};
  const out: StoredItems = new Map();
  const turnIds = wanted === 'all' ? Object.keys(stored).map(Number) : wanted;
  for (const turnId of turnIds) {
    const payload = stored[turnId];
    if (payload !== undefined) out.set(turnId, fromStored(id, `${field}[${turnId}]`, payload));
  }
  return out;
}

function toStored(payload: Payload): StoredPayload {
  return typeof payload === 'string'
    ? payload
    : { base64: Buffer.from(payload).toString('base64') };
}

function fromStored(id: string, part: string, stored: StoredPayload | undefined): Payload {
  if (typeof stored === 'string') return stored;
  if (typeof stored === 'object' && stored !== null && typeof stored.base64 === 'string') {
    return Buffer.from(stored.base64, 'base64');
  }
  throw new CorruptDataError(id, part, 'the payload is neither text nor base64 bytes');
}

function isEntry(value: unknown): value is KeyvContextEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 1 &&
    typeof (value as { id?: unknown }).id === 'string' &&
    typeof (value as { items?: unknown }).items === 'object'
  );
}
