/**
 * Shared pieces of the deliberately broken adapters: what each one declares, a storage over a
 * broken driver that exposes its store and prefix (as `MemoryContextStorage` does, for the raw
 * hooks), and a registry of the prefixes used on each store.
 */
import { DBContextStorage, type StorageOptions } from '@context-storage/core';
import type { ContextStorageDriver } from '@context-storage/core/adapter';
import { MemoryContextStorage, MemoryDriver, type MemoryStore } from '../../src/index.js';

/** A memory adapter with exactly one defect, and the suite tests that must catch it. */
export interface BrokenAdapter {
  /** One line: what is wrong. */
  readonly defect: string;
  /** Substrings of the names of the suite tests that must fail because of the defect. */
  readonly caughtBy: readonly string[];
  /** Sentences the suite's failure messages must contain for this defect, e.g. naming the id hit. */
  readonly says?: readonly string[];
  /** Opens a storage under `prefix` on `store` (the suite shares one store across prefixes). */
  open(store: MemoryStore, prefix: string, options?: StorageOptions): DBContextStorage;
}

/** What a storage opened by a {@link BrokenAdapter} exposes to the raw hooks. */
export interface OnMemoryStore {
  readonly store: MemoryStore;
  readonly prefix: string;
}

/** `DBContextStorage` over a (broken) driver, with the store and prefix it works on. */
export class DriverStorage extends DBContextStorage implements OnMemoryStore {
  constructor(
    driver: ContextStorageDriver,
    readonly store: MemoryStore,
    readonly prefix: string,
    options: StorageOptions = {},
  ) {
    super(driver, options);
  }
}

/**
 * A memory driver whose store and prefix its subclass can reach (MemoryDriver keeps them
 * private): the base of the broken drivers that read or damage the data directly.
 */
export class OpenMemoryDriver extends MemoryDriver {
  constructor(
    protected readonly store: MemoryStore,
    protected readonly prefix: string,
  ) {
    super(store, prefix);
  }
}

/** The real memory adapter, as the control: the suite must pass on it through this harness. */
export const control: BrokenAdapter = {
  defect: 'none (the real memory adapter)',
  caughtBy: [],
  open: (store, prefix, options) => new MemoryContextStorage({ ...options, store, prefix }),
};

const prefixesByStore = new WeakMap<MemoryStore, Set<string>>();

/**
 * Records that `prefix` is in use on `store` and returns every prefix recorded for it. `MemoryStore`
 * cannot list its namespaces, so this stands in for backend-wide commands (DBSIZE, FLUSHDB).
 */
export function prefixesOn(store: MemoryStore, prefix: string): ReadonlySet<string> {
  let prefixes = prefixesByStore.get(store);
  if (prefixes === undefined) {
    prefixes = new Set();
    prefixesByStore.set(store, prefixes);
  }
  prefixes.add(prefix);
  return prefixes;
}
