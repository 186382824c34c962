/**
 * Every adapter's storage class carries the contexts' types (checked by `typecheck`, not run):
 * `new MemoryContextStorage<Bot>()`, `XContextStorage.connect<Bot>(uri)`.
 */
import type { Context } from '@context-storage/core';
import { IoRedisContextStorage } from '@context-storage/ioredis';
import { KeyvContextStorage } from '@context-storage/keyv';
import { MemoryContextStorage } from '@context-storage/memory';
import { NodeRedisContextStorage } from '@context-storage/node-redis';
import { PostgresContextStorage } from '@context-storage/postgres';
import { expectTypeOf } from 'vitest';

interface Bot {
  misc: { visits: number };
  request: { text: string };
}

export async function typedAdapters(): Promise<void> {
  const memory = new MemoryContextStorage<Bot>();
  expectTypeOf(await memory.getItem('a')).toEqualTypeOf<Context<Bot> | undefined>();
  expectTypeOf(await MemoryContextStorage.connect<Bot>('memory://')).toEqualTypeOf<
    MemoryContextStorage<Bot>
  >();
  const pg = await PostgresContextStorage.connect<Bot>('pglite://');
  expectTypeOf(await pg.getItem('a')).toEqualTypeOf<Context<Bot> | undefined>();
  const keyv = await KeyvContextStorage.connect<Bot>('keyv+redis://localhost');
  expectTypeOf(keyv.update).parameter(1).parameter(0).toEqualTypeOf<Context<Bot>>();
  const ioredis = await IoRedisContextStorage.connect<Bot>('redis://localhost');
  const nodeRedis = await NodeRedisContextStorage.connect<Bot>('redis://localhost');
  expectTypeOf(await ioredis.getItem('a')).toEqualTypeOf<Context<Bot> | undefined>();
  expectTypeOf(await nodeRedis.getItem('a')).toEqualTypeOf<Context<Bot> | undefined>();
  // Untyped as before.
  expectTypeOf(await new MemoryContextStorage().getItem('a')).toEqualTypeOf<Context | undefined>();
}
