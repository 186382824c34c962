import { describe, expect, it } from 'vitest';
import {
  boundedCall,
  mergeOptions,
  storageLocation,
  UriQuery,
  undecodablePayload,
  versionMatches,
  windowTurnIds,
} from '../src/adapter/index.js';
import { ConnectionError, CorruptDataError, jsonCodec } from '../src/index.js';
import { KeyedSerializer } from '../src/serializer.js';

describe('boundedCall', () => {
  const bound = { timeoutMs: 50, description: 'the test backend' };

  it('resolves what the call resolves', async () => {
    expect(await boundedCall(Promise.resolve(7), bound, 'a call')).toBe(7);
  });

  it('fails an unanswered call with ConnectionError after the bound (plus slack)', async () => {
    const started = Date.now();
    const error = await boundedCall(new Promise(() => {}), { ...bound, slackMs: 50 }, 'a load')
      .then(() => undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe('the test backend did not answer a load within 50 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('turns a transport failure into ConnectionError, keeping the cause', async () => {
    const cause = new Error('ECONNRESET');
    const error = await boundedCall(Promise.reject(cause), bound, 'a save').catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe('the test backend failed a save: ECONNRESET');
    expect(error.cause).toBe(cause);
  });

  it('lets a typed error through unchanged', async () => {
    const corrupt = new CorruptDataError('a', 'main', 'broken');
    await expect(boundedCall(Promise.reject(corrupt), bound, 'a load')).rejects.toBe(corrupt);
  });

  it('sets no deadline with a bound of 0', async () => {
    const slow = new Promise((resolve) => setTimeout(() => resolve('late'), 80));
    expect(await boundedCall(slow, { ...bound, timeoutMs: 0 }, 'a call')).toBe('late');
  });
});

describe('versionMatches', () => {
  const stored = { version: 3, createdAt: 1000 };

  it('accepts any stored state without an expected version (last writer wins)', () => {
    expect(versionMatches({}, stored)).toBe(true);
    expect(versionMatches({}, undefined)).toBe(true);
  });

  it('expected version 0 means nothing may be stored', () => {
    expect(versionMatches({ expectedVersion: 0 }, undefined)).toBe(true);
    expect(versionMatches({ expectedVersion: 0 }, stored)).toBe(false);
  });

  it('a positive expected version needs the same version and the same creation time', () => {
    expect(versionMatches({ expectedVersion: 3, expectedCreatedAt: 1000 }, stored)).toBe(true);
    expect(versionMatches({ expectedVersion: 2, expectedCreatedAt: 1000 }, stored)).toBe(false);
    // The same version of a dialog deleted and created again is another dialog.
    expect(versionMatches({ expectedVersion: 3, expectedCreatedAt: 999 }, stored)).toBe(false);
    expect(versionMatches({ expectedVersion: 3, expectedCreatedAt: 1000 }, undefined)).toBe(false);
  });
});

describe('storageLocation', () => {
  it('is the credential-free backend URI and the encoded prefix', () => {
    expect(storageLocation('redis://127.0.0.1:6379/0', 'app:bot')).toBe(
      'redis://127.0.0.1:6379/0#app%3Abot',
    );
    expect(storageLocation('memory://store-1', '')).toBe('memory://store-1#');
    expect(storageLocation('redis+unix:///run/redis.sock?db=2', 'p')).toBe(
      'redis+unix:///run/redis.sock?db=2#p',
    );
  });

  it('encodes the prefix, so no prefix reads as another one', () => {
    expect(storageLocation('memory://s', 'a#b')).toBe('memory://s#a%23b');
    expect(storageLocation('memory://s', 'a b')).not.toBe(storageLocation('memory://s', 'a+b'));
  });

  it.each([
    'redis://user:secret@h:6379/0',
    'redis://:secret@h?db=1',
    'redis://h/0#frag',
    'not a uri',
  ])('refuses %s, which holds credentials or a fragment', (backend) => {
    expect(() => storageLocation(backend, 'p')).toThrow(/location/);
    expect(() => storageLocation(backend, 'p')).not.toThrow(/secret/);
  });
});

describe('UriQuery.of and commonOptions', () => {
  it('reads the query of a URI that URL cannot parse (a seed list)', () => {
    const query = UriQuery.of('redis+cluster://:pw@h1:1,h2:2?prefix=bot&ttlMs=5#x');
    expect(query.commonOptions()).toEqual({ prefix: 'bot', ttlMs: 5 });
    expect(query.redactedUri).not.toContain('pw');
    query.assertAllRead();
  });

  it('gives nothing for a URI without a query', () => {
    expect(UriQuery.of('memory://').commonOptions()).toEqual({});
  });

  it('programmatic options, merged last, win unless undefined', () => {
    const fromUri = UriQuery.of('memory://?prefix=a&ttlMs=9').commonOptions();
    expect(mergeOptions(fromUri, { prefix: 'b', ttlMs: undefined })).toEqual({
      prefix: 'b',
      ttlMs: 9,
    });
  });
});

describe('windowTurnIds and undecodablePayload', () => {
  it('covers (turn - n, turn], never below 0', () => {
    expect(windowTurnIds(10, 3)).toEqual([8, 9, 10]);
    expect(windowTurnIds(1, 5)).toEqual([0, 1]);
    expect(windowTurnIds(4, 0)).toEqual([]);
  });

  it('is bytes the JSON codec cannot decode, fresh each time', () => {
    expect(() => jsonCodec.decode(undecodablePayload())).toThrow();
    expect(undecodablePayload()).not.toBe(undecodablePayload());
  });
});

describe('KeyedSerializer', () => {
  it('runs tasks of one key one after the other, and of other keys at once', async () => {
    const serializer = new KeyedSerializer<string>();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name} end`);
    };
    await Promise.all([
      serializer.run(['a'], task('a1', 30)),
      serializer.run(['a'], task('a2', 1)),
      serializer.run(['b'], task('b1', 1)),
    ]);
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
    expect(serializer.busy(['a', 'b'])).toBe(false);
  });

  it('goes on after a failed task, and reports busy while one runs', async () => {
    const serializer = new KeyedSerializer<string>();
    const failed = serializer.run(['k'], async () => {
      throw new Error('boom');
    });
    expect(serializer.busy(['k'])).toBe(true);
    const next = serializer.run(['k'], async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ran');
  });
});
