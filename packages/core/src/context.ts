import type { Payload } from './codec.js';
import { brandContext, CONTEXT_LAYOUT, contextInternals } from './context-brand.js';
import type { ContextTypes, LabelOf, MiscOf, RequestOf, ResponseOf } from './context-types.js';
import { type ItemsRequest, TURN_FIELDS, type TurnField } from './driver.js';
import { InvalidArgumentError } from './errors.js';
import {
  assertTurnId,
  createTurnMap,
  type LoadedItem,
  mergeLoaded,
  type TurnMap,
  type TurnMapOwner,
  type TurnMapState,
  turnMapState,
} from './turn-map.js';

/**
 * One turn of a dialog: what the user sent, where the flow went, what the bot answered, typed
 * as `T` declares (see {@link ContextTypes}).
 */
export interface Turn<T extends ContextTypes = ContextTypes> {
  turnId: number;
  label?: LabelOf<T>;
  request?: RequestOf<T>;
  response?: ResponseOf<T>;
}

/** Initial values of a new context. */
export interface ContextInit<T extends ContextTypes = ContextTypes> {
  /** App data kept with the dialog. Default `{}`. */
  misc?: MiscOf<T>;
  /** Data of the dialog framework. Default `{}`. */
  frameworkData?: Record<string, unknown>;
  /** ms since epoch. Default: now. */
  createdAt?: number;
}

/** How a loaded context reaches back to its storage for lazy loads. Internal. */
export interface ContextBinding {
  /** The location of the data the context was loaded from or saved to (see the driver's). */
  readonly location: string;
  /** Loads (and decodes) stored turn items of the context. */
  fetch(id: string, request: ItemsRequest): Promise<Record<TurnField, Map<number, LoadedItem>>>;
}

/** Storage-side bookkeeping of a context. Internal. */
export interface ContextState {
  version: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | undefined;
  binding: ContextBinding | undefined;
  /** Payloads of misc and frameworkData as last loaded or saved: unchanged ones are not written. */
  miscBaseline: Payload | undefined;
  frameworkDataBaseline: Payload | undefined;
}

/**
 * The arguments after the id of `new Context<T>(id, ...)`: the init is optional, unless the
 * `misc` that `T` declares has required keys, which a context cannot start without.
 */
export type ContextInitArgs<T extends ContextTypes> =
  Partial<MiscOf<T>> extends MiscOf<T>
    ? [init?: ContextInit<T>]
    : [init: ContextInit<T> & { misc: MiscOf<T> }];

/** A plain snapshot of the loaded part of a context, as `Context#toJSON` returns it. */
export interface ContextSnapshot<T extends ContextTypes = ContextTypes> {
  id: string;
  version: number;
  currentTurnId: number;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  misc: MiscOf<T>;
  frameworkData: Record<string, unknown>;
  labels: Record<number, LabelOf<T>>;
  requests: Record<number, RequestOf<T>>;
  responses: Record<number, ResponseOf<T>>;
}

/**
 * The state of one dialog: main info (ids, version, timestamps, `misc`, `frameworkData`) and three
 * turn fields (`labels`, `requests`, `responses`) that are loaded lazily and tracked for changes.
 *
 * Create one with `new Context(id)`, or load one with `storage.getItem(id)`; save it with
 * `storage.setItem(id, context)`. A loaded context remembers its version: saving it after someone
 * else saved the same id fails with `ConflictError` instead of overwriting their turns.
 *
 * `T` types `misc` and the items of the turn fields (see {@link ContextTypes}); `Context` alone
 * is untyped. A storage recognises a context of another copy of this package by its brand (see
 * {@link isContext}), not by `instanceof`.
 */
export class Context<T extends ContextTypes = ContextTypes> {
  /** The context id: any non-empty string. */
  readonly id: string;
  /** Highest turn id in use; 0 for a new context. `addTurn` advances it. */
  currentTurnId = 0;
  /** App data kept with the dialog; saved when it changed (compared by encoded value). */
  misc: MiscOf<T>;
  /** Data of the dialog framework; saved when it changed. */
  frameworkData: Record<string, unknown>;
  /** Node labels by turn id. */
  readonly labels: TurnMap<LabelOf<T>>;
  /** User requests by turn id. */
  readonly requests: TurnMap<RequestOf<T>>;
  /** Bot responses by turn id. */
  readonly responses: TurnMap<ResponseOf<T>>;
  readonly #state: ContextState;

  /**
   * A new, unsaved context.
   *
   * @param id - any non-empty string
   * @param init - initial misc, frameworkData, creation time; required when the `misc` that `T`
   *   declares has required keys
   * @throws {@link InvalidArgumentError} for an empty or malformed id
   */
  constructor(id: string, ...[init = {}]: ContextInitArgs<T>) {
    assertContextId(id);
    this.id = id;
    // Without an init, T's misc has no required key, so an empty object is one.
    this.misc = init.misc ?? ({} as MiscOf<T>);
    this.frameworkData = init.frameworkData ?? {};
    const now = init.createdAt ?? Date.now();
    this.#state = {
      version: 0,
      createdAt: now,
      updatedAt: now,
      expiresAt: undefined,
      binding: undefined,
      miscBaseline: undefined,
      frameworkDataBaseline: undefined,
    };
    // The maps reach back through closures, not through public methods of the context.
    const owner: TurnMapOwner = {
      noteTurnId: (turnId) => {
        if (turnId > this.currentTurnId) this.currentTurnId = turnId;
      },
      fetchItems: async (field, turnIds) => {
        const binding = this.#state.binding;
        if (binding === undefined) return undefined;
        const loaded = await binding.fetch(this.id, { [field]: turnIds });
        return loaded[field];
      },
    };
    // Values reach a turn map only through its typed `set` (or a load, which the declared
    // types promise), so each map holds items of its field's type.
    this.labels = createTurnMap(owner, 'labels') as TurnMap<LabelOf<T>>;
    this.requests = createTurnMap(owner, 'requests') as TurnMap<RequestOf<T>>;
    this.responses = createTurnMap(owner, 'responses') as TurnMap<ResponseOf<T>>;
    brandContext(this, {
      layout: CONTEXT_LAYOUT,
      state: this.#state,
      turns: {
        labels: turnMapState(this.labels),
        requests: turnMapState(this.requests),
        responses: turnMapState(this.responses),
      },
    });
  }

  /** Stored version this context is based on; 0 when it was never saved. */
  get version(): number {
    return this.#state.version;
  }

  /** ms since epoch at which the context was created. */
  get createdAt(): number {
    return this.#state.createdAt;
  }

  /** ms since epoch of the last save (creation time before the first). */
  get updatedAt(): number {
    return this.#state.updatedAt;
  }

  /** ms since epoch at which the stored context expires; `undefined` when it does not. */
  get expiresAt(): number | undefined {
    return this.#state.expiresAt;
  }

  /**
   * Starts a new turn: advances `currentTurnId` and sets whichever of request, label and response
   * are given at the new turn id, which it returns.
   */
  addTurn(turn: Omit<Turn<T>, 'turnId'> = {}): number {
    const turnId = this.currentTurnId + 1;
    assertTurnId(turnId);
    this.currentTurnId = turnId;
    // A key given, even as `undefined`, sets the item, as it always did.
    if ('request' in turn) this.requests.set(turnId, turn.request as RequestOf<T>);
    if ('label' in turn) this.labels.set(turnId, turn.label as LabelOf<T>);
    if ('response' in turn) this.responses.set(turnId, turn.response as ResponseOf<T>);
    return turnId;
  }

  /**
   * The last `n` turns, `currentTurnId - n + 1` to `currentTurnId`, ascending, from what is
   * loaded (no round trip; see `fetchTurns` for older ones). Turns with no loaded item at all are
   * left out.
   */
  latestTurns(n: number): Turn<T>[] {
    const first = Math.max(0, this.currentTurnId - n + 1);
    const out: Turn<T>[] = [];
    for (let turnId = first; turnId <= this.currentTurnId; turnId++) {
      const turn = this.#turnAt(turnId);
      if (turn !== undefined) out.push(turn);
    }
    return out;
  }

  /**
   * The turns with the given ids, ascending, loading every unknown item of the three fields in one
   * round trip. Turns with no item at all are left out.
   *
   * @throws `ConnectionError`, `CorruptDataError` from the storage
   */
  async fetchTurns(turnIds: Iterable<number>): Promise<Turn<T>[]> {
    const wanted = [...new Set(turnIds)].sort((a, b) => a - b);
    for (const turnId of wanted) assertTurnId(turnId);
    const request: Partial<Record<TurnField, number[]>> = {};
    for (const field of TURN_FIELDS) {
      const unknown = wanted.filter((turnId) => !this[field].isKnown(turnId));
      if (unknown.length > 0) request[field] = unknown;
    }
    await this.#fetch(request);
    return wanted.flatMap((turnId) => this.#turnAt(turnId) ?? []);
  }

  /**
   * Loads every stored item of every turn field (one round trip; its cost grows with the
   * dialog). Needed before copying a context to another storage.
   */
  async loadAll(): Promise<void> {
    const request: Partial<Record<TurnField, 'all'>> = {};
    for (const field of TURN_FIELDS) {
      if (!turnMapState(this[field]).complete) request[field] = 'all';
    }
    await this.#fetch(request);
  }

  /** A plain snapshot of the loaded part of the context, for logs and JSON APIs. */
  toJSON(): ContextSnapshot<T> {
    const state = this.#state;
    return {
      id: this.id,
      version: state.version,
      currentTurnId: this.currentTurnId,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      ...(state.expiresAt === undefined ? {} : { expiresAt: state.expiresAt }),
      misc: this.misc,
      frameworkData: this.frameworkData,
      labels: Object.fromEntries(this.labels.entries()),
      requests: Object.fromEntries(this.requests.entries()),
      responses: Object.fromEntries(this.responses.entries()),
    };
  }

  async #fetch(request: ItemsRequest): Promise<void> {
    const fields = TURN_FIELDS.filter((field) => request[field] !== undefined);
    if (fields.length === 0) return;
    const binding = this.#state.binding;
    const loaded = binding === undefined ? undefined : await binding.fetch(this.id, request);
    for (const field of fields) {
      mergeLoaded(turnMapState(this[field]), request[field]!, loaded?.[field]);
    }
  }

  #turnAt(turnId: number): Turn<T> | undefined {
    const turn: Turn<T> = { turnId };
    let any = false;
    // `has` said the item is loaded, so `get` returns it (an `undefined` item only if one was set).
    if (this.labels.has(turnId)) {
      turn.label = this.labels.get(turnId) as LabelOf<T>;
      any = true;
    }
    if (this.requests.has(turnId)) {
      turn.request = this.requests.get(turnId) as RequestOf<T>;
      any = true;
    }
    if (this.responses.has(turnId)) {
      turn.response = this.responses.get(turnId) as ResponseOf<T>;
      any = true;
    }
    return any ? turn : undefined;
  }
}

/**
 * Storage-side bookkeeping of a context, of this copy of core or of another one (read through the
 * brand: another copy's `#state` is out of reach). Internal to the package.
 *
 * @throws {@link InvalidArgumentError} for a value that is not a context of a compatible copy
 */
export function contextState(context: object): ContextState {
  return contextInternals(context).state;
}

/** Bookkeeping of one turn map of a context of any copy of core. Internal to the package. */
export function contextTurns(context: object, field: TurnField): TurnMapState {
  return contextInternals(context).turns[field];
}

/**
 * Checks a context id: any non-empty, well-formed (no lone surrogate) string.
 *
 * @throws {@link InvalidArgumentError} otherwise
 */
export function assertContextId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new InvalidArgumentError(`a context id must be a non-empty string, got ${describe(id)}`);
  }
  if (LONE_SURROGATE.test(id)) {
    throw new InvalidArgumentError(
      'a context id must be well-formed unicode (it holds a lone surrogate, which no backend can store faithfully)',
    );
  }
}

// With the u flag a surrogate pair is one code point, so this matches only unpaired halves.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function describe(value: unknown): string {
  return typeof value === 'string' ? 'an empty string' : typeof value;
}
