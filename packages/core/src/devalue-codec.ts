import { parse, stringify } from 'devalue';
import { assertEncodable, type Codec, payloadText } from './codec.js';
import { CodecError } from './errors.js';

/**
 * A codec that round-trips what JSON cannot: `Date` (invalid ones too), `BigInt` of any size,
 * `Map` (any keys), `Set`, `Uint8Array`, `undefined`, `NaN`, `±Infinity`, `-0`, sparse arrays,
 * cycles and shared references. Built on devalue, chosen by measurement among msgpackr,
 * superjson, devalue and @ungap/structured-clone (see docs/codecs.md): it is the only one that
 * changes none of these silently, and its output is JSON text, readable in `redis-cli`.
 *
 * Refused with a {@link CodecError} naming the path: functions, symbols, class instances,
 * subclasses of the supported types (a `Buffer` or a `Map` subclass would come back as the base
 * class), objects without prototype and own `__proto__` keys.
 *
 * Cost: about 2x JSON per value of a few KB, and 5-10x JSON on MB-sized values.
 */
export const devalueCodec: Codec = {
  name: 'devalue',
  encode(value, path) {
    assertEncodable(value, path, 'devalue', {
      date: true,
      bigint: true,
      map: true,
      set: true,
      bytes: true,
      undefined: true,
      nonFiniteNumbers: true,
      sparseArrays: true,
      cycles: true,
    });
    try {
      return stringify(value);
    } catch (error) {
      const at = (error as { path?: unknown }).path;
      throw new CodecError(
        `${path}${typeof at === 'string' ? at : ''}`,
        `${(error as Error).message} (codec "devalue")`,
        { cause: error },
      );
    }
  },
  decode(payload) {
    return parse(payloadText(payload));
  },
};
