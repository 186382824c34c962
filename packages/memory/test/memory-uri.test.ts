import {
  Context,
  type CreateStorageOptions,
  createContextStorage,
  InvalidUriError,
} from '@context-storage/core';
import { describe, expect, it } from 'vitest';
import { MemoryContextStorage } from '../src/index.js';

const open = MemoryContextStorage.connect;

describe('memory:// URIs', () => {
  it('memory:// opens a fresh private store each time', async () => {
    const a = await open('memory://');
    const b = await open('memory://');
    await a.setItem('x', new Context('x'));
    expect(await b.contains('x')).toBe(false);
  });

  it('memory://name shares one store per name, isolated by prefix', async () => {
    const a = await open('memory://shared-test');
    const b = await open('memory://shared-test');
    const other = await open('memory://shared-test?prefix=other');
    await a.setItem('x', new Context('x'));
    expect(await b.contains('x')).toBe(true);
    expect(await other.contains('x')).toBe(false);
  });

  it('reads the common options from the query', async () => {
    const storage = await open('memory://?prefix=bot&ttlMs=60000&latest=all');
    expect(storage.prefix).toBe('bot');
    expect(storage.ttlMs).toBe(60_000);
    expect(storage.latest).toEqual({ labels: 'all', requests: 'all', responses: 'all' });
  });

  it('programmatic options win over the query, unless they are undefined', async () => {
    expect((await open('memory://?prefix=a', { prefix: 'b' })).prefix).toBe('b');
    // As plain JavaScript (or TypeScript without exactOptionalPropertyTypes) may pass them.
    const unset = { ttlMs: undefined, latest: undefined } as unknown as CreateStorageOptions;
    const storage = await open('memory://?ttlMs=60000&latest=7', unset);
    expect(storage.ttlMs).toBe(60_000);
    expect(storage.latest.requests).toBe(7);
  });

  it.each([
    'memory://name/path',
    'memory://user:secret@name',
    'memory://name:99',
    'memory://?prefix=a&prefix=b',
    'memory://?ttl=5',
    'memory://#frag',
    'redis://localhost',
  ])('refuses %s with InvalidUriError, never showing a password', async (uri) => {
    await expect(open(uri)).rejects.toThrow(InvalidUriError);
    await expect(open(uri)).rejects.not.toThrow(/secret/);
  });

  it('createContextStorage finds the adapter once the package is imported', async () => {
    const storage = await createContextStorage('memory://?prefix=via-registry');
    expect(storage).toBeInstanceOf(MemoryContextStorage);
    expect((storage as MemoryContextStorage).prefix).toBe('via-registry');
  });
});
