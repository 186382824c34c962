import type {
  ContextStorageDriver,
  ContextWrite,
  IdPage,
  ItemsRequest,
  LoadWindows,
  StoredContext,
  StoredItems,
  TurnField,
  WriteOutcome,
} from '../src/adapter/index.js';
import { TURN_FIELDS, versionMatches, windowTurnIds } from '../src/adapter/index.js';

/**
 * A driver over a plain Map, enough for core's own tests of the storage (the memory adapter is
 * the real in-process backend; core cannot depend on it). Atomic per call, as one process is.
 */
export class MapDriver implements ContextStorageDriver {
  readonly name = 'map';
  readonly location = 'map://test#';
  readonly capabilities = { ttl: false, crossInstanceCompareAndSet: true, listIds: true };
  readonly contexts = new Map<string, StoredContext>();

  async load(ids: readonly string[], windows: LoadWindows): Promise<(StoredContext | undefined)[]> {
    return ids.map((id) => {
      const stored = this.contexts.get(id);
      if (stored === undefined) return undefined;
      const items = {} as Record<TurnField, StoredItems>;
      for (const field of TURN_FIELDS) {
        const window = windows[field];
        items[field] = pick(
          stored.items[field],
          window === 'all' ? 'all' : windowTurnIds(stored.main.currentTurnId, window),
        );
      }
      return { main: { ...stored.main }, items };
    });
  }

  async loadItems(id: string, request: ItemsRequest): Promise<Record<TurnField, StoredItems>> {
    const stored = this.contexts.get(id);
    const out = {} as Record<TurnField, StoredItems>;
    for (const field of TURN_FIELDS) {
      const wanted = request[field];
      out[field] =
        stored === undefined || wanted === undefined
          ? new Map()
          : pick(stored.items[field], wanted);
    }
    return out;
  }

  async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    return writes.map((write) => {
      const stored = this.contexts.get(write.id);
      const actual = stored?.main.version;
      if (!versionMatches(write, stored?.main)) return { ok: false, actualVersion: actual };
      const items =
        stored === undefined || write.replace
          ? { labels: new Map(), requests: new Map(), responses: new Map() }
          : stored.items;
      for (const { field, turnId } of write.delete) items[field].delete(turnId);
      for (const { field, turnId, payload } of write.set) items[field].set(turnId, payload);
      const version = (actual ?? 0) + 1;
      const { misc = stored?.main.misc, frameworkData = stored?.main.frameworkData } = write.main;
      if (misc === undefined || frameworkData === undefined) throw new TypeError('no main info');
      this.contexts.set(write.id, {
        main: { ...write.main, version, misc, frameworkData },
        items,
      });
      return { ok: true, version };
    });
  }

  async has(ids: readonly string[]): Promise<boolean[]> {
    return ids.map((id) => this.contexts.has(id));
  }

  async delete(ids: readonly string[]): Promise<number> {
    return ids.filter((id) => this.contexts.delete(id)).length;
  }

  async count(): Promise<number> {
    return this.contexts.size;
  }

  async listIds(): Promise<IdPage> {
    return { ids: [...this.contexts.keys()], cursor: undefined };
  }

  async clear(): Promise<void> {
    this.contexts.clear();
  }

  async close(): Promise<void> {}
}

function pick(items: StoredItems, turnIds: readonly number[] | 'all'): StoredItems {
  if (turnIds === 'all') return new Map(items);
  const out: StoredItems = new Map();
  for (const turnId of turnIds) {
    const payload = items.get(turnId);
    if (payload !== undefined) out.set(turnId, payload);
  }
  return out;
}
