import type { Payload } from './codec.js';
import type { TurnField } from './driver.js';
import { InvalidArgumentError } from './errors.js';

/** What a {@link TurnMap} needs from the context that owns it. */
export interface TurnMapOwner {
  /** Called when an item is set at a turn id, so the context can advance its current turn. */
  noteTurnId(turnId: number): void;
  /**
   * Loads stored items of this field (decoded), or resolves `undefined` when the context is not
   * bound to a storage (then there is nothing stored to load).
   */
  fetchItems(
    field: TurnField,
    turnIds: readonly number[] | 'all',
  ): Promise<Map<number, LoadedItem> | undefined>;
}

/** A decoded turn item with the payload it was decoded from. */
export interface LoadedItem {
  value: unknown;
  payload: Payload;
}

/** Bookkeeping of a {@link TurnMap}; internal to the package. */
export interface TurnMapState {
  values: Map<number, unknown>;
  /** Turn ids known to have no stored item. */
  absent: Set<number>;
  /** True when every stored item is loaded, so unknown ids are known to be absent. */
  complete: boolean;
  /**
   * Ids set since the last save, each with the generation of its last change: a save commits only
   * the changes it sent, so a change made while the save is in flight is kept for the next one.
   */
  changed: Map<number, number>;
  /** Ids deleted since the last save, with the generation of the deletion. */
  deleted: Map<number, number>;
  /** Counter of changes, for `changed` and `deleted`. */
  generation: number;
  /** Payload of each loaded item as last loaded or saved: detects in-place mutations. */
  baseline: Map<number, Payload>;
  /**
   * Ids whose object value was handed out (by a read) or handed in (by `set`) since it was
   * loaded: only these can have been mutated in place, so only these are re-encoded by a save.
   */
  lent: Set<number>;
}

let stateOf: (map: TurnMap) => TurnMapState;
let create: (owner: TurnMapOwner, field: TurnField) => TurnMap;

/**
 * The items of one turn field (labels, requests or responses) of a context, by integer turn id.
 *
 * Loaded lazily: a loaded context holds its latest items; `get` answers from what is loaded and
 * `fetch` loads the rest on demand (one round trip per call). Changes are tracked so that a save
 * writes only the items set, deleted or mutated in place since the load.
 */
export class TurnMap<V = unknown> {
  /** Which field this map holds. */
  readonly field: TurnField;
  readonly #owner: TurnMapOwner;
  readonly #state: TurnMapState = {
    values: new Map(),
    absent: new Set(),
    complete: false,
    changed: new Map(),
    deleted: new Map(),
    generation: 0,
    baseline: new Map(),
    lent: new Set(),
  };

  static {
    stateOf = (map) => map.#state;
    create = (owner, field) => new TurnMap(owner, field);
  }

  /** Made by its context only (see {@link createTurnMap}). */
  private constructor(owner: TurnMapOwner, field: TurnField) {
    this.#owner = owner;
    this.field = field;
  }

  /** Number of loaded items. */
  get size(): number {
    return this.#state.values.size;
  }

  /** The loaded item at `turnId`, or `undefined` (not stored, or not loaded: see `fetch`). */
  get(turnId: number): V | undefined {
    return this.#lend(turnId, this.#state.values.get(turnId)) as V | undefined;
  }

  /** True when an item at `turnId` is loaded. */
  has(turnId: number): boolean {
    return this.#state.values.has(turnId);
  }

  /** True when it is known, without a round trip, whether an item exists at `turnId`. */
  isKnown(turnId: number): boolean {
    const state = this.#state;
    return state.complete || state.values.has(turnId) || state.absent.has(turnId);
  }

  /**
   * Sets the item at `turnId` (a non-negative integer); it is written by the next save. Setting
   * beyond the context's `currentTurnId` advances it.
   *
   * @throws {@link InvalidArgumentError} for a turn id that is not a non-negative safe integer
   */
  set(turnId: number, value: V): this {
    assertTurnId(turnId);
    const state = this.#state;
    state.values.set(turnId, value);
    state.lent.add(turnId);
    state.absent.delete(turnId);
    state.deleted.delete(turnId);
    state.changed.set(turnId, ++state.generation);
    this.#owner.noteTurnId(turnId);
    return this;
  }

  /**
   * Deletes the item at `turnId`, loaded or not; the next save deletes it from storage. Returns
   * whether a loaded item was removed.
   */
  delete(turnId: number): boolean {
    assertTurnId(turnId);
    const state = this.#state;
    const had = state.values.delete(turnId);
    state.changed.delete(turnId);
    state.baseline.delete(turnId);
    state.lent.delete(turnId);
    state.absent.add(turnId);
    state.deleted.set(turnId, ++state.generation);
    return had;
  }

  /** Loaded turn ids, ascending. */
  keys(): number[] {
    return [...this.#state.values.keys()].sort((a, b) => a - b);
  }

  /** Loaded `[turnId, item]` pairs, ascending by turn id. */
  entries(): [number, V][] {
    return this.keys().map((turnId) => [turnId, this.get(turnId) as V]);
  }

  /** The `n` loaded items with the highest turn ids, ascending. */
  latest(n: number): [number, V][] {
    return n <= 0
      ? []
      : this.keys()
          .slice(-n)
          .map((turnId) => [turnId, this.get(turnId) as V]);
  }

  /**
   * The item at `turnId`, loaded from storage if it is not known yet (one round trip then).
   *
   * @throws `ConnectionError`, `CorruptDataError` from the storage
   */
  async fetch(turnId: number): Promise<V | undefined> {
    assertTurnId(turnId);
    if (!this.isKnown(turnId)) await this.#load([turnId]);
    return this.get(turnId);
  }

  /**
   * The items at `turnIds`, loading the unknown ones in one round trip. Missing items are
   * absent from the result.
   */
  async fetchMany(turnIds: Iterable<number>): Promise<Map<number, V>> {
    const wanted = [...new Set(turnIds)];
    for (const turnId of wanted) assertTurnId(turnId);
    const unknown = wanted.filter((turnId) => !this.isKnown(turnId));
    if (unknown.length > 0) await this.#load(unknown);
    const out = new Map<number, V>();
    for (const turnId of wanted) {
      if (this.has(turnId)) out.set(turnId, this.get(turnId) as V);
    }
    return out;
  }

  /**
   * Every item of the field, loading all stored ones first (one round trip; its cost grows with
   * the dialog). Ascending by turn id.
   */
  async fetchAll(): Promise<Map<number, V>> {
    if (!this.#state.complete) await this.#load('all');
    return new Map(this.entries());
  }

  /** Notes that an object value leaves the map: from now on it may be mutated in place. */
  #lend(turnId: number, value: unknown): unknown {
    if (typeof value === 'object' && value !== null) this.#state.lent.add(turnId);
    return value;
  }

  async #load(turnIds: readonly number[] | 'all'): Promise<void> {
    const loaded = await this.#owner.fetchItems(this.field, turnIds);
    mergeLoaded(this.#state, turnIds, loaded);
  }
}

/**
 * Merges freshly loaded items into a map's state. Local changes win over what was loaded: an item
 * set or deleted since the last save is not overwritten.
 */
export function mergeLoaded(
  state: TurnMapState,
  requested: readonly number[] | 'all',
  loaded: Map<number, LoadedItem> | undefined,
): void {
  if (loaded !== undefined) {
    for (const [turnId, item] of loaded) {
      if (state.changed.has(turnId) || state.deleted.has(turnId)) continue;
      state.values.set(turnId, item.value);
      state.baseline.set(turnId, item.payload);
      // A freshly decoded value has not been handed out yet.
      state.lent.delete(turnId);
      state.absent.delete(turnId);
    }
  }
  if (requested === 'all') {
    state.complete = true;
    state.absent.clear();
    return;
  }
  for (const turnId of requested) {
    if (!state.values.has(turnId)) state.absent.add(turnId);
  }
}

/** A new, empty map of `field`, reaching back to its context through `owner`. Internal. */
export function createTurnMap(owner: TurnMapOwner, field: TurnField): TurnMap {
  return create(owner, field);
}

/** Internal state of a map, for the context and the storage. */
export function turnMapState(map: TurnMap): TurnMapState {
  return stateOf(map);
}

/** @throws {@link InvalidArgumentError} unless `turnId` is a non-negative safe integer */
export function assertTurnId(turnId: number): void {
  if (!Number.isSafeInteger(turnId) || turnId < 0) {
    throw new InvalidArgumentError(`turn id must be a non-negative integer, got ${String(turnId)}`);
  }
}
