/**
 * DEFECT: the storage keeps a read cache of the contexts it loaded and hands out the cached
 * `Context` object itself, so two loads of one id (two handlers, or a duplicated id in one
 * `getItems`) share one mutable object. The cache is dropped on every write through this storage,
 * so a single caller always sees fresh data.
 *
 * Mirrors: an "identity map" or LRU read cache put in front of a slow backend that returns the
 * cached instance instead of a copy: one handler's unsaved edits leak into another's context.
 */
import type { Context, LoadOptions, SaveOptions, UpdateOptions } from '@context-storage/core';
import { MemoryContextStorage } from '../../src/index.js';
import type { BrokenAdapter } from './common.js';

class SharedCacheStorage extends MemoryContextStorage {
  readonly #cache = new Map<string, Context>();

  override async getItems(
    ids: readonly string[],
    options: LoadOptions = {},
  ): Promise<(Context | undefined)[]> {
    const key = (id: string) => `${JSON.stringify(options.latest ?? null)} ${id}`;
    const missing = [...new Set(ids)].filter((id) => !this.#cache.has(key(id)));
    const loaded = await super.getItems(missing, options);
    missing.forEach((id, index) => {
      const context = loaded[index];
      if (context !== undefined) this.#cache.set(key(id), context);
    });
    // BUG: the cached object itself, not a copy.
    return ids.map((id) => this.#cache.get(key(id)));
  }

  override async setItems(
    entries: Iterable<readonly [string, Context]>,
    options?: SaveOptions,
  ): Promise<void> {
    this.#cache.clear();
    return super.setItems(entries, options);
  }

  override async update(
    id: string,
    change: (context: Context) => void | Promise<void>,
    options?: UpdateOptions,
  ): Promise<Context> {
    this.#cache.clear();
    return super.update(id, change, options);
  }

  override async delItems(ids: readonly string[]): Promise<number> {
    this.#cache.clear();
    return super.delItems(ids);
  }

  override async clear(): Promise<void> {
    this.#cache.clear();
    return super.clear();
  }
}

export const sharedCache: BrokenAdapter = {
  defect: 'getItem/getItems return one cached Context instance for every load of an id',
  caughtBy: [
    'loaded contexts are independent copies of what is stored',
    'getItems answers in input order, with missing ids and duplicates',
  ],
  open: (store, prefix, options) => new SharedCacheStorage({ ...options, store, prefix }),
};
