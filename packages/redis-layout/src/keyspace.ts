import { InvalidArgumentError } from '@context-storage/core';

/** The separator between a storage's prefix and a context id in a Redis key. */
export const KEY_SEPARATOR = '::';

/** Default key prefix of the Redis adapters. */
export const DEFAULT_PREFIX = 'ctx';

/**
 * Maps context ids to Redis keys of one storage: `<prefix>::<id>`, one hash per context.
 *
 * A prefix may hold any characters (`app:bot` is fine) except `::` and a trailing `:`, which is
 * what makes key spaces of different prefixes disjoint: no key of prefix `a:b` can look like a
 * key of prefix `a`, so `clear()` of one never matches the other's keys.
 */
export class RedisKeyspace {
  /** The storage's prefix. */
  readonly prefix: string;
  readonly #head: string;

  /**
   * @param prefix - the storage's prefix
   * @throws {@link InvalidArgumentError} for an empty prefix, one holding `::` or ending in `:`
   */
  constructor(prefix: string = DEFAULT_PREFIX) {
    if (typeof prefix !== 'string' || prefix === '') {
      throw new InvalidArgumentError('a Redis key prefix must be a non-empty string');
    }
    if (prefix.includes(KEY_SEPARATOR) || prefix.endsWith(':')) {
      throw new InvalidArgumentError(
        `the Redis key prefix "${prefix}" must not contain "::" nor end with ":" (keys are <prefix>::<id>)`,
      );
    }
    this.prefix = prefix;
    this.#head = `${prefix}${KEY_SEPARATOR}`;
  }

  /** The key of a context. */
  key(id: string): string {
    return this.#head + id;
  }

  /** The id of one of this storage's keys. */
  idOf(key: string): string {
    return key.slice(this.#head.length);
  }

  /**
   * True when `key` belongs to this storage: `<prefix>::<id>` with a non-empty id. The bare
   * `<prefix>::` matches the SCAN pattern but is no context of this storage (an id is never empty),
   * so `len()`, `ids()` and `clear()` leave it alone.
   */
  owns(key: string): boolean {
    return key.length > this.#head.length && key.startsWith(this.#head);
  }

  /** SCAN MATCH pattern of every key of this storage, with the prefix's glob characters escaped. */
  get pattern(): string {
    return `${this.#head.replace(/[*?[\]\\]/g, '\\$&')}*`;
  }
}
