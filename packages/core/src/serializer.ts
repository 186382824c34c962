import { processWide } from './adapter/process-wide.js';

/**
 * Runs tasks one after the other per key: a task starts once every earlier task holding one of
 * its keys has settled (whatever its outcome). Keys of finished tasks are forgotten, so the map
 * never outgrows the tasks in flight. Cost: O(keys) per task.
 */
export class KeyedSerializer<K> {
  readonly #tails = new Map<K, Promise<unknown>>();

  /** True while a task holding one of `keys` is queued or running. */
  busy(keys: Iterable<K>): boolean {
    for (const key of keys) if (this.#tails.has(key)) return true;
    return false;
  }

  /** Runs `task` after the earlier tasks of `keys`; settles as it does. */
  run<T>(keys: Iterable<K>, task: () => Promise<T>): Promise<T> {
    const distinct = [...new Set(keys)];
    const previous = distinct.flatMap((key) => this.#tails.get(key) ?? []);
    const result = previous.length === 0 ? task() : Promise.allSettled(previous).then(() => task());
    const tail = result.then(
      () => {},
      () => {},
    );
    for (const key of distinct) this.#tails.set(key, tail);
    void tail.then(() => {
      for (const key of distinct) if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

/**
 * Saves of one context object, one after the other, across every storage (the first invariant
 * of `DBContextStorage.setItems`). One per process, shared by every copy of core that is loaded
 * (its ESM and CommonJS builds, two versions nested by npm), as a context of one copy may be
 * saved through a storage of another.
 */
export const contextSaves = processWide('contextSaves.v1', () => new KeyedSerializer<object>());
