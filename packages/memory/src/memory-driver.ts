import type { Payload } from '@context-storage/core';
import {
  type ContextStorageDriver,
  type ContextWrite,
  type IdPage,
  type ItemsRequest,
  type LoadWindows,
  type StorageCapabilities,
  type StoredContext,
  type StoredItems,
  storageLocation,
  TURN_FIELDS,
  type TurnField,
  versionMatches,
  type WriteOutcome,
  windowTurnIds,
} from '@context-storage/core/adapter';
import type { MemoryEntry, MemoryStore } from './memory-store.js';

/** The memory backend enforces TTL and checks versions atomically (it is one process). */
export const MEMORY_CAPABILITIES: StorageCapabilities = Object.freeze({
  ttl: true,
  crossInstanceCompareAndSet: true,
  listIds: true,
});

/**
 * The primitives over a {@link MemoryStore}. Every operation runs synchronously to completion
 * inside its promise, so each is atomic; payloads are copied in and out, so no caller can reach
 * stored bytes. Expired contexts are dropped when touched, and by `count` and `listIds`.
 */
export class MemoryDriver implements ContextStorageDriver {
  readonly name = 'memory';
  readonly capabilities = MEMORY_CAPABILITIES;
  readonly location: string;
  readonly #store: MemoryStore;
  readonly #prefix: string;

  /**
   * @param store - where contexts live
   * @param prefix - namespace of this storage inside the store
   */
  constructor(store: MemoryStore, prefix: string) {
    this.#store = store;
    this.#prefix = prefix;
    this.location = storageLocation(`memory://${store.id}`, prefix);
  }

  async load(ids: readonly string[], windows: LoadWindows): Promise<(StoredContext | undefined)[]> {
    const namespace = this.#namespace();
    return ids.map((id) => {
      const entry = live(namespace, id);
      if (entry === undefined) return undefined;
      const items = {} as Record<TurnField, StoredItems>;
      for (const field of TURN_FIELDS) {
        const window = windows[field];
        items[field] = copyItems(
          entry.items[field],
          window === 'all' ? 'all' : windowTurnIds(entry.currentTurnId, window),
        );
      }
      return {
        main: {
          version: entry.version,
          currentTurnId: entry.currentTurnId,
          createdAt: entry.createdAt,
          updatedAt: entry.updatedAt,
          ...(entry.expiresAt === undefined ? {} : { expiresAt: entry.expiresAt }),
          misc: copy(entry.misc),
          frameworkData: copy(entry.frameworkData),
        },
        items,
      };
    });
  }

  async loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    const entry = live(this.#namespace(), id);
    const out = {} as Record<TurnField, StoredItems>;
    for (const field of TURN_FIELDS) {
      const wanted = request[field];
      out[field] =
        entry === undefined || wanted === undefined
          ? new Map()
          : copyItems(entry.items[field], wanted);
    }
    return out;
  }

  async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    const namespace = this.#namespace();
    return writes.map((write) => {
      const entry = live(namespace, write.id);
      const actual = entry?.version;
      if (!versionMatches(write, entry)) return { ok: false, actualVersion: actual };
      const items =
        entry === undefined || write.replace
          ? { labels: new Map(), requests: new Map(), responses: new Map() }
          : entry.items;
      for (const { field, turnId } of write.delete) items[field].delete(turnId);
      for (const { field, turnId, payload } of write.set) items[field].set(turnId, copy(payload));
      const misc = write.main.misc ?? entry?.misc;
      const frameworkData = write.main.frameworkData ?? entry?.frameworkData;
      if (misc === undefined || frameworkData === undefined) {
        throw new TypeError(`write of new context ${write.id} lacks misc or frameworkData`);
      }
      const version = (actual ?? 0) + 1;
      namespace.set(write.id, {
        version,
        currentTurnId: write.main.currentTurnId,
        createdAt: write.main.createdAt,
        updatedAt: write.main.updatedAt,
        expiresAt: write.main.expiresAt,
        misc: copy(misc),
        frameworkData: copy(frameworkData),
        items,
      });
      return { ok: true, version };
    });
  }

  async has(ids: readonly string[]): Promise<boolean[]> {
    const namespace = this.#namespace();
    return ids.map((id) => live(namespace, id) !== undefined);
  }

  async delete(ids: readonly string[]): Promise<number> {
    const namespace = this.#namespace();
    let existed = 0;
    for (const id of ids) {
      if (live(namespace, id) !== undefined) existed++;
      namespace.delete(id);
    }
    return existed;
  }

  async count(): Promise<number> {
    const namespace = this.#namespace();
    dropExpired(namespace);
    return namespace.size;
  }

  /**
   * Ids in code-unit order after the cursor (the last id of the previous page). Each page scans
   * the namespace once: O(n log n) per page, fine for an in-process store.
   */
  async listIds(cursor: string | undefined, pageSize: number): Promise<IdPage> {
    const namespace = this.#namespace();
    dropExpired(namespace);
    const after = [...namespace.keys()].filter((id) => cursor === undefined || id > cursor).sort();
    const ids = after.slice(0, pageSize);
    return { ids, cursor: after.length > pageSize ? ids[ids.length - 1] : undefined };
  }

  async clear(): Promise<void> {
    this.#store.dropNamespace(this.#prefix);
  }

  async close(): Promise<void> {}

  #namespace(): Map<string, MemoryEntry> {
    return this.#store.namespace(this.#prefix);
  }
}

/** The entry under `id` unless it expired (then it is dropped). */
function live(namespace: Map<string, MemoryEntry>, id: string): MemoryEntry | undefined {
  const entry = namespace.get(id);
  if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    namespace.delete(id);
    return undefined;
  }
  return entry;
}

function dropExpired(namespace: Map<string, MemoryEntry>): void {
  const now = Date.now();
  for (const [id, entry] of namespace) {
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) namespace.delete(id);
  }
}

function copyItems(items: Map<number, Payload>, wanted: readonly number[] | 'all'): StoredItems {
  const out: StoredItems = new Map();
  if (wanted === 'all') {
    for (const [turnId, payload] of items) out.set(turnId, copy(payload));
    return out;
  }
  for (const turnId of wanted) {
    const payload = items.get(turnId);
    if (payload !== undefined) out.set(turnId, copy(payload));
  }
  return out;
}

function copy(payload: Payload): Payload {
  return typeof payload === 'string' ? payload : payload.slice();
}
