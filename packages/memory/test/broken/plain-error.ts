/**
 * DEFECT: during an outage the driver throws a plain `Error` (the client's own error) instead of
 * `ConnectionError`, so callers cannot tell "backend down, retry later" from a bug.
 *
 * Mirrors: adapters that let `ECONNREFUSED` / `MaxRetriesPerRequestError` from ioredis or pg
 * escape untranslated: the bot's retry and fallback logic, keyed on the error code, never fires.
 */
import { ConnectionError, type ContextStorageDriver } from '@context-storage/core';
import { MemoryDriver, type MemoryStore } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

/**
 * Wraps the methods of a memory driver (all, or only those named), turning their
 * `ConnectionError`s into plain errors.
 */
function untranslatedErrors(
  store: MemoryStore,
  prefix: string,
  only?: ReadonlySet<string>,
): ContextStorageDriver {
  const driver = new MemoryDriver(store, prefix);
  return new Proxy(driver, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (only !== undefined && !only.has(String(property))) return value.bind(target);
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          // BUG: the raw client error goes up instead of ConnectionError.
          if (error instanceof ConnectionError)
            throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
          throw error;
        }
      };
    },
  });
}

export const plainError: BrokenAdapter = {
  defect: 'outage errors surface as plain Error instead of ConnectionError',
  caughtBy: ['while the backend is down every call fails with CONNECTION'],
  open: (store, prefix, options) =>
    new DriverStorage(untranslatedErrors(store, prefix), store, prefix, options),
};

/**
 * The same defect in the less travelled methods only (delete, clear, listing, on-demand item
 * loads): a suite whose outage test only tries getItem and setItem passes this one.
 */
export const plainErrorRareMethods: BrokenAdapter = {
  defect: 'outage errors of delete, clear, listIds and loadItems surface as plain Error',
  caughtBy: ['while the backend is down every call fails with CONNECTION'],
  open: (store, prefix, options) =>
    new DriverStorage(
      untranslatedErrors(store, prefix, new Set(['delete', 'clear', 'listIds', 'loadItems'])),
      store,
      prefix,
      options,
    ),
};
