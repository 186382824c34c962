import {
  Context,
  type CreateStorageOptions,
  createContextStorage,
  InvalidUriError,
} from '@context-storage/core';
import { describe, expect, it } from 'vitest';
import { MemoryContextStorage, memoryStorageFromUri } from '../src/index.js';

describe('memory:// URIs', () => {
  it('memory:// opens a fresh private store each time', async () => {
    const a = memoryStorageFromUri('memory://');
    const b = memoryStorageFromUri('memory://');
    await a.setItem('x', new Context('x'));
    expect(await b.contains('x')).toBe(false);
  });

  it('memory://name shares one store per name, isolated by prefix', async () => {
    const a = memoryStorageFromUri('memory://shared-test');
    const b = memoryStorageFromUri('memory://shared-test');
    const other = memoryStorageFromUri('memory://shared-test?prefix=other');
    await a.setItem('x', new Context('x'));
    expect(await b.contains('x')).toBe(true);
    expect(await other.contains('x')).toBe(false);
  });

  it('reads the common options from the query', () => {
    const storage = memoryStorageFromUri('memory://?prefix=bot&ttlMs=60000&latest=all');
    expect(storage.prefix).toBe('bot');
    expect(storage.ttlMs).toBe(60_000);
    expect(storage.latest).toEqual({ labels: 'all', requests: 'all', responses: 'all' });
  });

  it('programmatic options win over the query, unless they are undefined', () => {
    expect(memoryStorageFromUri('memory://?prefix=a', { prefix: 'b' }).prefix).toBe('b');
    // As plain JavaScript (or TypeScript without exactOptionalPropertyTypes) may pass them.
    const unset = { ttlMs: undefined, latest: undefined } as unknown as CreateStorageOptions;
    const storage = memoryStorageFromUri('memory://?ttlMs=60000&latest=7', unset);
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
  ])('refuses %s with InvalidUriError, never showing a password', (uri) => {
    expect(() => memoryStorageFromUri(uri)).toThrow(InvalidUriError);
    expect(() => memoryStorageFromUri(uri)).not.toThrow(/secret/);
  });

  it('createContextStorage finds the adapter once the package is imported', async () => {
    const storage = await createContextStorage('memory://?prefix=via-registry');
    expect(storage).toBeInstanceOf(MemoryContextStorage);
    expect((storage as MemoryContextStorage).prefix).toBe('via-registry');
  });
});
