import { ConnectionError, type Payload, type TurnField } from '@context-storage/core';
import { processWide } from '@context-storage/core/adapter';

/** One stored context, as the memory backend keeps it. */
export interface MemoryEntry {
  version: number;
  currentTurnId: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | undefined;
  misc: Payload;
  frameworkData: Payload;
  items: Record<TurnField, Map<number, Payload>>;
}

let storeCount = 0;

/**
 * The data behind memory storages: contexts per prefix, kept in this process. Several storages
 * (with different prefixes, or the same one, like two processes on one Redis) can share a store.
 * Lost when the process exits.
 */
export class MemoryStore {
  /** Unique in this process: tells two stores apart in storage locations. */
  readonly id = `store-${++storeCount}`;
  readonly #namespaces = new Map<string, Map<string, MemoryEntry>>();
  #available = true;

  /**
   * The contexts of one prefix, created on first use. Throws while the store is unavailable.
   *
   * @throws `ConnectionError` during a simulated outage
   */
  namespace(prefix: string): Map<string, MemoryEntry> {
    if (!this.#available) {
      throw new ConnectionError('the memory store is unavailable (simulated outage)');
    }
    let namespace = this.#namespaces.get(prefix);
    if (namespace === undefined) {
      namespace = new Map();
      this.#namespaces.set(prefix, namespace);
    }
    return namespace;
  }

  /** Drops every context of a prefix. */
  dropNamespace(prefix: string): void {
    this.namespace(prefix); // fails during an outage, like every other operation
    this.#namespaces.delete(prefix);
  }

  /**
   * Simulates an outage (`false`) and the recovery (`true`): while unavailable every operation of
   * every storage on this store fails with `ConnectionError`, as a real backend would. Meant for
   * testing how an application copes; the data is kept.
   */
  setAvailable(available: boolean): void {
    this.#available = available;
  }

  /** False during a simulated outage. */
  get available(): boolean {
    return this.#available;
  }
}

/** Named stores, one set per process even when this package is loaded twice (ESM and CommonJS). */
const namedStores = processWide('memory.namedStores.v1', () => new Map<string, MemoryStore>());

/** The process-wide store called `name` (what `memory://name` URIs share), created on first use. */
export function namedMemoryStore(name: string): MemoryStore {
  let store = namedStores.get(name);
  if (store === undefined) {
    store = new MemoryStore();
    namedStores.set(name, store);
  }
  return store;
}
