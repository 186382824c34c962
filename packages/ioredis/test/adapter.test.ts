import { createContextStorage, InvalidUriError, registeredSchemes } from '@context-storage/core';
import { REDIS_SCHEMES } from '@context-storage/redis-layout';
import { describe, expect, it } from 'vitest';
import { contextStorageAdapter, IoRedisContextStorage } from '../src/index.js';

describe('the ioredis adapter', () => {
  it('serves every Redis scheme once imported', () => {
    expect(contextStorageAdapter.schemes).toEqual(REDIS_SCHEMES);
    for (const scheme of REDIS_SCHEMES) {
      expect(registeredSchemes()).toContainEqual({
        scheme,
        adapter: 'ioredis',
        packageName: '@context-storage/ioredis',
      });
    }
  });

  it.each([
    'redis://h/abc',
    'http://localhost:6379',
    'redis://:hunter2@h:99999',
    'redis://h?prefix=a::b',
    'redis://h?unknown=1',
  ])('refuses %s before connecting, never showing the password', async (uri) => {
    const error = await IoRedisContextStorage.connect(uri).catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toMatch(/INVALID_URI|INVALID_ARGUMENT/);
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('createContextStorage picks it for redis:// and reports a refused connection', async () => {
    const error = await createContextStorage('redis://127.0.0.1:1?connectTimeoutMs=1000').catch(
      (caught: unknown) => caught,
    );
    expect((error as { code?: string }).code).toBe('CONNECTION');
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
  });

  it('refuses a client name that is not installed', async () => {
    await expect(createContextStorage('redis://127.0.0.1:1?client=nope')).rejects.toBeInstanceOf(
      InvalidUriError,
    );
  });
});

describe('the README', () => {
  it('shows the URI grammar exactly as the parser documents it', async () => {
    const { readFile } = await import('node:fs/promises');
    const { REDIS_URI_GRAMMAR } = await import('@context-storage/redis-layout');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(REDIS_URI_GRAMMAR);
  });
});
