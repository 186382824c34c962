import { AsyncLocalStorage } from 'node:async_hooks';
import type { StorageCapabilities } from '@context-storage/core/adapter';
import type Keyv from 'keyv';

// What differs between keyv 5 and keyv 6 as the driver sees it: which stores can list, where a
// Map store really is, and how a failing store reaches the call that met it.
/**
 * What a Keyv store can promise: TTL (Keyv expires entries on read, and stores such as
 * @keyv/redis natively), listing through Keyv's iterator when the store has one. Never
 * compare-and-set across processes: Keyv has no conditional write, so a save reads and then writes.
 * Cost: a look at the Keyv's properties.
 */
export function keyvCapabilities(keyv: Keyv): StorageCapabilities {
  return Object.freeze({
    ttl: true,
    crossInstanceCompareAndSet: false,
    listIds: canIterate(keyv),
  });
}

/** Whether `keyv.iterator()` lists the store's entries, on keyv 5 and on keyv 6. */
function canIterate(keyv: Keyv): boolean {
  // keyv 5 defines `iterator` only over a store that can list; keyv 6 always has the method and
  // yields nothing when the store it wraps has neither `entries` (a Map) nor `iterator`.
  if (typeof keyv.iterator !== 'function') return false;
  const store = backingStore(keyv.store);
  if (store instanceof Map) return true;
  if (typeof store !== 'object' || store === null) return false;
  const { entries, iterator } = store as { entries?: unknown; iterator?: unknown };
  return typeof iterator === 'function' || typeof entries === 'function';
}

/**
 * The store that holds the data: keyv 6 wraps a Map (or an older store) in an adapter of its own
 * per Keyv instance (`adapter.store` is the Map), so two Keyvs over one Map have two adapters but
 * one Map. Cost: a few property reads.
 */
export function backingStore(store: unknown): unknown {
  let inner = store;
  for (let depth = 0; depth < 4; depth++) {
    const wrapped: unknown =
      typeof inner === 'object' && inner !== null && !(inner instanceof Map)
        ? (inner as { store?: unknown }).store
        : undefined;
    if (typeof wrapped !== 'object' || wrapped === null) return inner;
    inner = wrapped;
  }
  return inner;
}

/** The Keyv call running in this async context, and the first failure Keyv reported during it. */
interface KeyvCall {
  failure?: { error: unknown };
}

const runningCall = new AsyncLocalStorage<KeyvCall>();
const listenedTo = new WeakSet<Keyv>();

/**
 * Makes Keyv's reported failures reach the call that met them. keyv 6 has no `throwOnErrors`:
 * with an 'error' listener attached (which every Keyv over a server needs, or a dropped connection
 * crashes the process) a failing `get` resolves `undefined`, and a context would look deleted.
 * Keyv emits the error inside the failing call, so the listener finds that call in its async
 * context. Outside our calls the listener acts as if it were not there: keyv 6 throws an error
 * that no one else listens to (as it would without this listener), keyv 5 drops it.
 */
export function reportFailuresToCalls(keyv: Keyv): void {
  if (listenedTo.has(keyv)) return;
  listenedTo.add(keyv);
  keyv.on('error', (error: unknown) => {
    const call = runningCall.getStore();
    if (call !== undefined) {
      call.failure ??= { error };
      return;
    }
    const throwsUnheard = (keyv as { throwOnEmptyListeners?: unknown }).throwOnEmptyListeners;
    if (throwsUnheard === true && keyv.listeners('error').length === 1) throw error;
  });
}

/**
 * Runs one call to a Keyv and rejects with the store's failure, whether Keyv throws it (keyv 5
 * with `throwOnErrors`, keyv 6 without an 'error' listener) or only reports it to its 'error'
 * listeners (keyv 6, which then resolves a fallback such as `undefined`). Cost: the call.
 */
export function keyvCall<T>(keyv: Keyv, operation: () => Promise<T>): Promise<T> {
  reportFailuresToCalls(keyv);
  const call: KeyvCall = {};
  // A store that throws synchronously fails the call like one that rejects.
  return runningCall
    .run(call, () => Promise.resolve().then(operation))
    .then((value) => {
      if (call.failure === undefined) return value;
      const { error } = call.failure;
      throw error instanceof Error ? error : new Error(String(error));
    });
}
