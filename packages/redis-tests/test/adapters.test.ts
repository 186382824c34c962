import { readFile } from 'node:fs/promises';
import { createContextStorage, KNOWN_SCHEMES, registeredSchemes } from '@context-storage/core';
import { REDIS_SCHEMES, REDIS_URI_GRAMMAR } from '@context-storage/redis-layout';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, randomPrefix, topologyUri } from './matrix.js';

// Core cannot depend on an adapter, so it repeats the Redis scheme names to find the package to
// load; this keeps its list equal to the parser's.
describe("core's list of known schemes", () => {
  it('names both Redis adapters for exactly the schemes the Redis parser accepts', () => {
    const redisLike = Object.entries(KNOWN_SCHEMES)
      .filter(([, packages]) => packages.includes('@context-storage/ioredis'))
      .map(([scheme, packages]) => {
        expect(packages).toEqual(['@context-storage/ioredis', '@context-storage/node-redis']);
        return scheme;
      });
    expect(redisLike.sort()).toEqual([...REDIS_SCHEMES].sort());
  });
});

// What each adapter package promises besides storing contexts: its schemes, its URI checks, its
// place in createContextStorage, and its README.
for (const row of ADAPTERS) {
  describe(`the ${row.name} adapter`, () => {
    it('serves every Redis scheme once imported', () => {
      for (const scheme of REDIS_SCHEMES) {
        expect(registeredSchemes()).toContainEqual({
          scheme,
          adapter: row.name,
          packageName: `@context-storage/${row.name}`,
        });
      }
    });

    it.each([
      'redis://h/abc',
      'http://localhost:6379',
      'redis://:hunter2@h:99999',
      'redis://h?prefix=a::b',
      'redis://:hunter2@h?unknown=1',
    ])('refuses %s before connecting, never showing the password', async (uri) => {
      const error = await row.connect(uri).catch((caught: unknown) => caught);
      expect((error as { code?: string }).code).toMatch(/INVALID_URI|INVALID_ARGUMENT/);
      expect(String((error as Error).message)).not.toContain('hunter2');
    });

    it('is picked by createContextStorage with ?client=', async () => {
      const uri = `${topologyUri('standalone')}&client=${row.name}&prefix=${randomPrefix()}`;
      const storage = await createContextStorage(uri);
      try {
        expect(storage.name).toBe(row.name);
        expect(await storage.len()).toBe(0);
      } finally {
        await storage.close();
      }
    });

    it('documents the URI grammar exactly as the parser does', async () => {
      const readme = await readFile(
        new URL(`../../${row.name}/README.md`, import.meta.url),
        'utf8',
      );
      expect(readme).toContain(REDIS_URI_GRAMMAR);
    });
  });
}
