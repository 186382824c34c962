import type { Context, ContextState } from './context.js';
import type { TurnField } from './driver.js';
import { InvalidArgumentError } from './errors.js';
import type { TurnMapState } from './turn-map.js';

/**
 * The brand every `Context` carries, the same in every copy of this package (`Symbol.for` is
 * process-wide): when an application and an adapter load two copies of core, a context made by
 * one is still recognised, and saved, by the other, where `instanceof` would say no.
 */
export const CONTEXT_BRAND: unique symbol = Symbol.for('context-storage.Context');

/**
 * Version of the layout of {@link ContextInternals}. A storage reads a context of another copy of
 * core through these objects (its `#private` fields are out of reach), so a change to the meaning
 * or shape of any field of `ContextState`, `ContextBinding`, `TurnMapState` or `LoadedItem` must
 * bump it; copies with different layouts then refuse each other's contexts by name.
 */
export const CONTEXT_LAYOUT = 1;

/**
 * What a storage needs from a context, reachable from any copy of core: the context's
 * bookkeeping and that of its three turn maps. Plain objects, shared (not copied) with the
 * context, so that a storage's writes to them are the context's own.
 */
export interface ContextInternals {
  readonly layout: typeof CONTEXT_LAYOUT;
  readonly state: ContextState;
  readonly turns: Readonly<Record<TurnField, TurnMapState>>;
}

/** Puts the brand on a new context: non-enumerable, so JSON, spread and clones never see it. */
export function brandContext(context: object, internals: ContextInternals): void {
  Object.defineProperty(context, CONTEXT_BRAND, { value: internals });
}

/**
 * True when `value` is a {@link Context}, made by this copy of `@context-storage/core` or by
 * another one (another version nested by npm, a bundled copy): it checks the `Symbol.for` brand,
 * not `instanceof`. O(1); never throws.
 *
 * A context of another copy is saved like one of this copy, as long as both copies share the
 * internal layout ({@link CONTEXT_LAYOUT}); otherwise saving it raises `InvalidArgumentError`.
 */
export function isContext(value: unknown): value is Context {
  return typeof value === 'object' && value !== null && brandOf(value) !== undefined;
}

/**
 * The internals of a context of any copy of core.
 *
 * @throws {@link InvalidArgumentError} when `value` is not a context, or is one of a copy of core
 * whose internal layout this copy cannot read
 */
export function contextInternals(value: unknown, what = 'a Context'): ContextInternals {
  const brand = typeof value === 'object' && value !== null ? brandOf(value) : undefined;
  if (brand === undefined) {
    throw new InvalidArgumentError(`expected ${what}, got ${describe(value)}`);
  }
  if (brand.layout !== CONTEXT_LAYOUT) {
    throw new InvalidArgumentError(
      `expected ${what} of a compatible @context-storage/core: this one was made by a copy of core with internal layout ${String(brand.layout)}, this copy reads layout ${CONTEXT_LAYOUT}; install one version of @context-storage/core for the application and its adapters`,
    );
  }
  return brand as ContextInternals;
}

function brandOf(value: object): { layout?: unknown } | undefined {
  const brand: unknown = (value as { [CONTEXT_BRAND]?: unknown })[CONTEXT_BRAND];
  return typeof brand === 'object' && brand !== null ? brand : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an object of class ${name}` : 'an object';
}
