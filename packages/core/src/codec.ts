import { CodecError, CorruptDataError } from './errors.js';

/**
 * What a codec produces and an adapter stores: text (readable in `redis-cli`) or bytes. Adapters
 * treat payloads as opaque and never see user objects.
 */
export type Payload = string | Uint8Array;

/**
 * Turns context values (misc, frameworkData and every turn item) into payloads and back.
 *
 * A codec must refuse, with a {@link CodecError} naming the path, any value it cannot give back
 * unchanged: storing it would otherwise change the user's data silently.
 */
export interface Codec {
  /** Short name used in error messages, for example `json`. */
  readonly name: string;
  /**
   * Encodes one value. `path` names the value inside its context (`misc`, `requests[7]`) so that a
   * refusal can say where the offending value sits.
   *
   * @throws {@link CodecError} when the value cannot round-trip
   */
  encode(value: unknown, path: string): Payload;
  /**
   * Decodes a payload produced by {@link Codec.encode}. Throws any error on malformed input; the
   * storage turns it into a {@link CorruptDataError} naming the context.
   */
  decode(payload: Payload): unknown;
}

/** Kinds of non-JSON value a codec can round-trip, for {@link assertEncodable}. */
export interface EncodableKinds {
  /** `Date` instances (valid ones). */
  date?: boolean;
  /** `bigint` primitives. */
  bigint?: boolean;
  /** `Map` instances; keys and values are checked too. */
  map?: boolean;
  /** `Set` instances; members are checked too. */
  set?: boolean;
  /** `Uint8Array` (exactly: a `Buffer` would come back as a plain `Uint8Array`). */
  bytes?: boolean;
  /** `undefined` anywhere, including array elements and top level. */
  undefined?: boolean;
  /** `NaN`, `Infinity` and `-Infinity`. */
  nonFiniteNumbers?: boolean;
  /** Arrays with holes. */
  sparseArrays?: boolean;
  /** Cycles and shared references (kept as such). */
  cycles?: boolean;
}

/**
 * Checks that `value` holds only what a codec can round-trip: `null`, booleans, strings, finite
 * numbers, arrays without holes, plain objects, plus the extra `kinds` the codec supports.
 * Object properties whose value is `undefined` are accepted and omitted, as `JSON.stringify`
 * does, unless `kinds.undefined` says the codec keeps them. Cost: one walk over the value.
 *
 * @throws {@link CodecError} naming the path of the first value that cannot round-trip: a
 * function, a symbol, a class instance, a cycle, or a kind the codec lacks.
 */
export function assertEncodable(
  value: unknown,
  path: string,
  codecName: string,
  kinds: EncodableKinds = {},
): void {
  const ancestors: object[] = [];
  const seen = new Set<object>();
  const keys: (string | number)[] = [];

  const refuse = (reason: string): never => {
    throw new CodecError(joinPath(path, keys), `${reason} (codec "${codecName}")`);
  };

  const visit = (item: unknown, inObject: boolean): void => {
    switch (typeof item) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(item) && !kinds.nonFiniteNumbers) {
          refuse(`${item} is not a finite number and would come back as null`);
        }
        return;
      case 'undefined':
        if (!inObject && !kinds.undefined) refuse('undefined cannot be stored here');
        return;
      case 'bigint':
        if (!kinds.bigint) refuse('a BigInt cannot be stored; use a codec that supports it');
        return;
      case 'function':
        refuse('a function cannot be stored');
        return;
      case 'symbol':
        refuse('a symbol cannot be stored');
        return;
    }
    if (item === null) return;
    const object = item as object;
    if (kinds.cycles) {
      // The codec keeps cycles and shared references: check each object once.
      if (seen.has(object)) return;
      seen.add(object);
      visitObject(object);
      return;
    }
    if (ancestors.includes(object)) refuse('the value contains a cycle');
    ancestors.push(object);
    try {
      visitObject(object);
    } finally {
      ancestors.pop();
    }
  };

  const visitObject = (object: object): void => {
    const prototype: unknown = Object.getPrototypeOf(object);
    if (Array.isArray(object)) {
      if (prototype !== Array.prototype) refuseSubclass(object, 'an Array');
      for (let index = 0; index < object.length; index++) {
        if (!(index in object)) {
          if (kinds.sparseArrays) continue;
          keys.push(index);
          refuse('sparse arrays cannot be stored');
        }
        keys.push(index);
        visit(object[index], false);
        keys.pop();
      }
      return;
    }
    if (object instanceof Date) {
      if (!kinds.date) refuse('a Date cannot be stored; use a codec that supports it');
      if (prototype !== Date.prototype) refuseSubclass(object, 'a Date');
      return;
    }
    if (object instanceof Uint8Array) {
      if (!kinds.bytes) refuse('a Uint8Array cannot be stored; use a codec that supports it');
      if (Buffer.isBuffer(object)) {
        refuse('a Buffer would come back as a plain Uint8Array; store new Uint8Array(buffer)');
      }
      if (prototype !== Uint8Array.prototype) refuseSubclass(object, 'a Uint8Array');
      return;
    }
    if (object instanceof Map) {
      if (!kinds.map) refuse('a Map cannot be stored; use a codec that supports it');
      if (prototype !== Map.prototype) refuseSubclass(object, 'a Map');
      let index = 0;
      for (const [key, entry] of object) {
        keys.push(`<map key ${index}>`);
        visit(key, false);
        keys.pop();
        keys.push(
          typeof key === 'string' || typeof key === 'number' ? key : `<map entry ${index}>`,
        );
        visit(entry, false);
        keys.pop();
        index++;
      }
      return;
    }
    if (object instanceof Set) {
      if (!kinds.set) refuse('a Set cannot be stored; use a codec that supports it');
      if (prototype !== Set.prototype) refuseSubclass(object, 'a Set');
      let index = 0;
      for (const member of object) {
        keys.push(`<set member ${index++}>`);
        visit(member, false);
        keys.pop();
      }
      return;
    }
    if (prototype !== Object.prototype) {
      refuse(
        prototype === null
          ? 'an object without prototype would come back as a plain object'
          : `an instance of ${constructorName(object)} cannot be stored; store a plain object instead`,
      );
    }
    if (Object.getOwnPropertySymbols(object).length > 0) {
      refuse('symbol-keyed properties cannot be stored');
    }
    for (const key of Object.keys(object)) {
      keys.push(key);
      visit((object as Record<string, unknown>)[key], true);
      keys.pop();
    }
  };

  const refuseSubclass = (object: object, base: string): never =>
    refuse(`an instance of ${constructorName(object)} would come back as ${base}`);

  visit(value, false);
}

function constructorName(object: object): string {
  return (object as { constructor?: { name?: string } }).constructor?.name || 'a class';
}

/** Formats a value path: `misc.user["odd key"][3]`. */
function joinPath(base: string, keys: readonly (string | number)[]): string {
  let out = base;
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else if (key.startsWith('<')) out += ` ${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/**
 * The default codec: plain JSON text, readable in `redis-cli`. Accepts what JSON round-trips
 * exactly (null, booleans, finite numbers, strings, arrays, plain objects) and refuses the rest
 * with a {@link CodecError}; properties set to `undefined` are omitted, as in `JSON.stringify`.
 * Cost: one validation walk plus `JSON.stringify` per value.
 */
export const jsonCodec: Codec = {
  name: 'json',
  encode(value, path) {
    assertEncodable(value, path, 'json');
    return JSON.stringify(value);
  },
  decode(payload) {
    return JSON.parse(payloadText(payload));
  },
};

/** One strict decoder for every payload (creating one per call took ~7% of a turn's CPU). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A text payload as a string; bytes must be valid UTF-8. */
export function payloadText(payload: Payload): string {
  return typeof payload === 'string' ? payload : utf8.decode(payload);
}

/**
 * Decodes a stored payload of context `id`, turning any decoder failure into a
 * {@link CorruptDataError} for that context only.
 */
export function decodePayload(codec: Codec, id: string, part: string, payload: Payload): unknown {
  try {
    return codec.decode(payload);
  } catch (cause) {
    throw new CorruptDataError(id, part, `codec "${codec.name}" cannot decode it`, { cause });
  }
}
