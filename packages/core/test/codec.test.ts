import { describe, expect, it } from 'vitest';
import { CodecError, jsonCodec } from '../src/index.js';

function refusal(value: unknown, path = 'misc'): CodecError {
  try {
    jsonCodec.encode(value, path);
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('expected a CodecError');
}

class Point {
  x = 1;
}

describe('jsonCodec', () => {
  it('round-trips what JSON keeps exactly', () => {
    const value = { a: [1, 'two', null, true, { b: -1.5 }], empty: {}, text: 'Grüße 🤖' };
    expect(jsonCodec.decode(jsonCodec.encode(value, 'misc'))).toEqual(value);
  });

  it('produces text readable in redis-cli', () => {
    expect(jsonCodec.encode({ hello: 'world' }, 'misc')).toBe('{"hello":"world"}');
  });

  it('omits object properties set to undefined, like JSON.stringify', () => {
    expect(jsonCodec.decode(jsonCodec.encode({ a: 1, b: undefined }, 'misc'))).toEqual({ a: 1 });
  });

  it.each([
    ['a Date', { when: new Date(0) }, 'misc.when', /Date/],
    ['a BigInt', { big: 10n }, 'misc.big', /BigInt/],
    ['a Map', { m: new Map() }, 'misc.m', /Map/],
    ['a Set', { s: new Set([1]) }, 'misc.s', /Set/],
    ['bytes', { b: new Uint8Array(2) }, 'misc.b', /Uint8Array/],
    ['a function', { f: () => 1 }, 'misc.f', /function/],
    ['a symbol', { s: Symbol('x') }, 'misc.s', /symbol/],
    ['a class instance', { p: new Point() }, 'misc.p', /Point/],
    ['NaN', { n: [1, Number.NaN] }, 'misc.n[1]', /finite/],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'misc.n', /finite/],
    ['undefined in an array', { list: [undefined] }, 'misc.list[0]', /undefined/],
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    ['a sparse array', { list: [1, , 3] }, 'misc.list[1]', /sparse/],
    ['an odd key', { 'user name': { at: new Date() } }, 'misc["user name"].at', /Date/],
  ])('refuses %s, naming its path', (_kind, value, path, reason) => {
    const error = refusal(value);
    expect(error.code).toBe('CODEC');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(reason);
  });

  it('refuses cycles but accepts a shared (acyclic) reference', () => {
    const shared = { n: 1 };
    expect(jsonCodec.decode(jsonCodec.encode({ a: shared, b: shared }, 'misc'))).toEqual({
      a: { n: 1 },
      b: { n: 1 },
    });
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push(cyclic);
    expect(refusal(cyclic).path).toBe('misc.list[0]');
  });

  it('refuses undefined at top level', () => {
    expect(refusal(undefined, 'requests[4]').path).toBe('requests[4]');
  });

  it('fails to decode malformed payloads (the storage reports them as corrupt)', () => {
    expect(() => jsonCodec.decode('{not json')).toThrow();
    expect(() => jsonCodec.decode(new Uint8Array([0xc1, 0xff]))).toThrow();
  });
});
