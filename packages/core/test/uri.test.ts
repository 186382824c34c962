import { describe, expect, it } from 'vitest';
import { UriQuery, uriScheme } from '../src/adapter/index.js';
import { InvalidUriError, redactUri } from '../src/index.js';

describe('redactUri', () => {
  it.each([
    ['redis://user:s3cret@host:6379/0', 'redis://user:***@host:6379/0'],
    ['redis://:s3cret@host', 'redis://:***@host'],
    ['redis://user@host', 'redis://user@host'],
    ['rediss://u:p%40ss@h?password=x&prefix=p', 'rediss://u:***@h?password=***&prefix=p'],
    ['redis://u:raw@at@host/0', 'redis://u:***@host/0'],
    ['redis:/u:hunter2@h', 'redis:***@h'],
    ['not a uri with password=zzz', 'not a uri with password=zzz'],
    ['memory://', 'memory://'],
  ])('%s -> %s', (uri, expected) => {
    expect(redactUri(uri)).toBe(expected);
  });
});

describe('uriScheme', () => {
  it('reads the scheme, lower-cased', () => {
    expect(uriScheme('Memory://')).toBe('memory');
    expect(uriScheme('redis+sentinel://h/m')).toBe('redis+sentinel');
  });

  it.each(['', 'localhost:6379', 'redis:/host', '://x', 42])('refuses %j', (uri) => {
    expect(() => uriScheme(uri)).toThrow(InvalidUriError);
  });

  it.each(['redis:/u:hunter2@h', 'redis:user:hunter2@host', 'redis//u:hunter2@h'])(
    'never puts the password of %s in the error',
    (uri) => {
      expect(() => uriScheme(uri)).toThrow(InvalidUriError);
      expect(() => uriScheme(uri)).not.toThrow(/hunter2/);
    },
  );
});

describe('UriQuery', () => {
  const query = (search: string) => new UriQuery('x://', new URLSearchParams(search));

  it('reads the common storage options', () => {
    const q = query('ttlMs=5000&latest=4&latestRequests=all&updateRetries=3');
    expect(q.storageOptions()).toEqual({
      ttlMs: 5000,
      latest: { labels: 4, requests: 'all', responses: 4 },
      updateRetries: 3,
    });
    q.assertAllRead();
  });

  it('rejects unknown, repeated and malformed parameters', () => {
    const unknown = query('prefx=a');
    unknown.storageOptions();
    expect(() => unknown.assertAllRead()).toThrow(/unknown query parameter: prefx/);
    expect(() => query('a=1&a=2')).toThrow(/given twice/);
    expect(() => query('ttlMs=5s').storageOptions()).toThrow(/ttlMs must be an integer/);
    expect(() => query('ttlMs=0').storageOptions()).toThrow(InvalidUriError);
    expect(() => query('latest=-1').storageOptions()).toThrow(/latest must be/);
    expect(() => query('flag=maybe').boolean('flag')).toThrow(/true or false/);
  });
});

describe('redactUri hides passwords wherever they hide', () => {
  it.each([
    'redis://u:hun/ter2@host',
    'redis://u:hunter2#x@host',
    'redis://h?sentinelPassword=hunter2',
    'redis://h?pass%77ord=hunter2',
    'redis://h?authToken=hunter2&prefix=x',
    'memory://user:pa/hunter2@host',
  ])('%s', (uri) => {
    expect(redactUri(uri)).not.toContain('hunter2');
  });
});
