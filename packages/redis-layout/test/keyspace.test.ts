import { InvalidArgumentError } from '@context-storage/core';
import { describe, expect, it } from 'vitest';
import { RedisKeyspace } from '../src/index.js';

describe('RedisKeyspace', () => {
  it('maps ids to <prefix>::<id> and back, whatever the id holds', () => {
    const keys = new RedisKeyspace('app:bot');
    for (const id of ['1', '1:0', '{tag}', 'a b', '*', '会话']) {
      expect(keys.key(id)).toBe(`app:bot::${id}`);
      expect(keys.idOf(keys.key(id))).toBe(id);
      expect(keys.owns(keys.key(id))).toBe(true);
    }
    expect(keys.owns('app:bot:x')).toBe(false);
    expect(keys.owns('app::x')).toBe(false);
  });

  it('does not own the bare <prefix>:: (an id is never empty)', () => {
    const keys = new RedisKeyspace('app');
    expect(keys.owns('app::')).toBe(false);
    expect(keys.owns('app:::')).toBe(true);
  });

  it('escapes the glob characters of the prefix in its SCAN pattern', () => {
    expect(new RedisKeyspace('a*b?[c]\\d').pattern).toBe('a\\*b\\?\\[c\\]\\\\d::*');
    expect(new RedisKeyspace().pattern).toBe('ctx::*');
  });

  it.each(['', 'a::b', 'a:', 'ctx:'])(
    'refuses the prefix %j, which could overlap another',
    (prefix) => {
      expect(() => new RedisKeyspace(prefix)).toThrow(InvalidArgumentError);
    },
  );

  it('keeps two prefixes disjoint: no key of one is owned by the other', () => {
    const short = new RedisKeyspace('a');
    const long = new RedisKeyspace('a:b');
    expect(short.owns(long.key('c'))).toBe(false);
    expect(long.owns(short.key('b::c'))).toBe(false);
  });
});
