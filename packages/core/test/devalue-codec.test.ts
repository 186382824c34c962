import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CodecError, devalueCodec } from '../src/index.js';

const roundTrip = (value: unknown) => devalueCodec.decode(devalueCodec.encode(value, 'misc'));

class Point {
  x = 1;
}
class TaggedMap extends Map {}

describe('devalueCodec (devalue)', () => {
  it.each([
    ['a Date', new Date('2026-11-21T12:00:00Z')],
    ['small and huge BigInts', [5n, -5n, 2n ** 200n, -(2n ** 70n)]],
    [
      'a Map with object keys',
      new Map<unknown, unknown>([
        [{ k: 1 }, 'v'],
        ['s', new Set([1])],
      ]),
    ],
    ['a Set', new Set(['a', 1, null])],
    ['bytes', new Uint8Array([0, 1, 255])],
    ['undefined, in objects and arrays', { a: undefined, list: [undefined, 1] }],
    ['NaN, Infinity and -0', [Number.NaN, Number.POSITIVE_INFINITY, -0]],
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    ['a sparse array', [1, , 3]],
    ['a string with a lone surrogate', 'cut emoji \uD83D'],
    ['nested rich values', { at: [new Map([['d', new Date(0)]])], n: 1n }],
  ])('round-trips %s exactly', (_kind, value) => {
    expect(isDeepStrictEqual(roundTrip(value), value)).toBe(true);
  });

  it('round-trips an invalid Date', () => {
    const back = roundTrip(new Date(Number.NaN));
    expect(back).toBeInstanceOf(Date);
    expect(Number.isNaN((back as Date).getTime())).toBe(true);
  });

  it('keeps cycles and shared references', () => {
    const shared = { n: 1 };
    const value: Record<string, unknown> = { a: shared, b: shared };
    value.self = value;
    const back = roundTrip(value) as Record<string, unknown>;
    expect(back.self).toBe(back);
    expect(back.a).toBe(back.b);
  });

  it('produces JSON text, readable in redis-cli', () => {
    const payload = devalueCodec.encode({ when: new Date(0) }, 'misc');
    expect(typeof payload).toBe('string');
    expect(() => JSON.parse(payload as string)).not.toThrow();
  });

  it.each([
    ['a function', { f: () => 1 }, 'misc.f', /function/],
    ['a symbol', { s: Symbol('x') }, 'misc.s', /symbol/],
    ['a class instance', { p: new Point() }, 'misc.p', /Point/],
    ['a Buffer', { b: Buffer.from('x') }, 'misc.b', /Buffer/],
    ['a Map subclass', { m: new TaggedMap() }, 'misc.m', /TaggedMap would come back as a Map/],
    ['an object without prototype', { o: Object.create(null) }, 'misc.o', /without prototype/],
  ])('refuses %s, naming its path', (_kind, value, path, reason) => {
    let error: unknown;
    try {
      devalueCodec.encode(value, 'misc');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).path).toBe(path);
    expect((error as CodecError).message).toMatch(reason);
  });

  it('turns devalue refusals into CodecError with the path', () => {
    const value = JSON.parse('{"inner":{"__proto__":{"polluted":1}}}');
    expect(() => devalueCodec.encode(value, 'misc')).toThrow(CodecError);
  });
});
