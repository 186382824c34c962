import type { ContextStorageDriver, ContextWrite } from '@context-storage/core/adapter';

/** Calls a storage made to its driver: one entry per primitive call = one round trip. */
export interface DriverLog {
  calls: string[];
  writes: ContextWrite[][];
}

/**
 * Wraps a driver so that tests can count round trips and read exactly what a save sends.
 * `capabilities` may be overridden to run the same driver under other declarations.
 */
export function recordingDriver(
  driver: ContextStorageDriver,
  capabilities = driver.capabilities,
): { driver: ContextStorageDriver; log: DriverLog } {
  const log: DriverLog = { calls: [], writes: [] };
  const recorded: ContextStorageDriver = {
    name: driver.name,
    location: driver.location,
    capabilities,
    load: (ids, windows) => {
      log.calls.push('load');
      return driver.load(ids, windows);
    },
    loadItems: (id, request) => {
      log.calls.push('loadItems');
      return driver.loadItems(id, request);
    },
    write: (writes) => {
      log.calls.push('write');
      log.writes.push(structuredClone([...writes]));
      return driver.write(writes);
    },
    has: (ids) => {
      log.calls.push('has');
      return driver.has(ids);
    },
    delete: (ids) => {
      log.calls.push('delete');
      return driver.delete(ids);
    },
    count: () => {
      log.calls.push('count');
      return driver.count();
    },
    listIds: (cursor, pageSize) => {
      log.calls.push('listIds');
      return driver.listIds(cursor, pageSize);
    },
    clear: () => {
      log.calls.push('clear');
      return driver.clear();
    },
    close: () => driver.close(),
  };
  return { driver: recorded, log };
}
