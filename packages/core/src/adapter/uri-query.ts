import { jsonCodec } from '../codec.js';
import { devalueCodec } from '../devalue-codec.js';
import { TURN_FIELDS, type TurnField, type TurnWindow } from '../driver.js';
import { InvalidUriError } from '../errors.js';
import type { StorageOptions } from '../storage-options.js';
import { redactUri } from '../uri.js';

/** The options every adapter reads from its URI's query: `prefix` plus the storage options. */
export interface CommonUriOptions extends StorageOptions {
  /** The storage's prefix (or namespace), from `?prefix=`. */
  prefix?: string;
}

/**
 * Reads the query parameters of a storage URI, each at most once, and rejects the ones nobody
 * read, so that a misspelt option fails loudly instead of being ignored.
 */
export class UriQuery {
  /** The URI with its password redacted, for error messages. */
  readonly redactedUri: string;
  readonly #params: URLSearchParams;
  readonly #read = new Set<string>();

  /**
   * The query of `uri` (what follows its first `?`, up to a `#`), for URIs that `URL` cannot parse
   * too (a cluster's seed list). Errors name the URI with its password redacted.
   *
   * @throws {@link InvalidUriError} when a parameter is repeated
   */
  static of(uri: string): UriQuery {
    const start = uri.indexOf('?');
    const end = uri.indexOf('#', start + 1);
    const query = start === -1 ? '' : uri.slice(start + 1, end === -1 ? undefined : end);
    return new UriQuery(redactUri(uri), new URLSearchParams(query));
  }

  /**
   * @param redactedUri - the URI, redacted, for errors
   * @param params - its query parameters
   * @throws {@link InvalidUriError} when a parameter is repeated
   */
  constructor(redactedUri: string, params: URLSearchParams) {
    this.redactedUri = redactedUri;
    this.#params = params;
    const seen = new Set<string>();
    for (const key of params.keys()) {
      if (seen.has(key)) this.fail(`the query parameter "${key}" is given twice`);
      seen.add(key);
    }
  }

  /** The raw value of `name`, if present. */
  string(name: string): string | undefined {
    this.#read.add(name);
    return this.#params.get(name) ?? undefined;
  }

  /** An integer parameter no lower than `min`. */
  integer(name: string, min: number): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
      this.fail(`${name} must be an integer >= ${min}, got "${raw}"`);
    }
    return value;
  }

  /** A boolean parameter: `true`/`false`/`1`/`0`. */
  boolean(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    return this.fail(`${name} must be true or false, got "${raw}"`);
  }

  /** One of `choices`. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!(choices as readonly string[]).includes(raw)) {
      this.fail(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  }

  /**
   * The storage options every adapter accepts in its query: `codec` (`json` or `devalue`),
   * `ttlMs`, `latest` (a number or `all`), `latestLabels` / `latestRequests` /
   * `latestResponses`, `updateRetries`.
   */
  storageOptions(): StorageOptions {
    const options: StorageOptions = {};
    const codec = this.choice('codec', ['json', 'devalue']);
    if (codec !== undefined) options.codec = codec === 'json' ? jsonCodec : devalueCodec;
    const ttlMs = this.integer('ttlMs', 1);
    if (ttlMs !== undefined) options.ttlMs = ttlMs;
    const latest: Partial<Record<TurnField, TurnWindow>> = {};
    const all = this.#window('latest');
    for (const field of TURN_FIELDS) {
      const window = this.#window(`latest${field[0]!.toUpperCase()}${field.slice(1)}`) ?? all;
      if (window !== undefined) latest[field] = window;
    }
    if (Object.keys(latest).length > 0) {
      options.latest = latest;
    }
    const updateRetries = this.integer('updateRetries', 0);
    if (updateRetries !== undefined) options.updateRetries = updateRetries;
    return options;
  }

  /**
   * The options every adapter accepts in its query: `prefix` and the {@link storageOptions}.
   * An adapter merges the programmatic options over these (programmatic ones win).
   */
  commonOptions(): CommonUriOptions {
    const prefix = this.string('prefix');
    return { ...(prefix === undefined ? {} : { prefix }), ...this.storageOptions() };
  }

  /** @throws {@link InvalidUriError} naming every parameter that was not read */
  assertAllRead(): void {
    const unknown = [...new Set(this.#params.keys())].filter((key) => !this.#read.has(key));
    if (unknown.length > 0) {
      this.fail(`unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
    }
  }

  /** @throws {@link InvalidUriError} with `reason` */
  fail(reason: string): never {
    throw new InvalidUriError(this.redactedUri, reason);
  }

  #window(name: string): TurnWindow | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw === 'all') return 'all';
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      this.fail(`${name} must be a non-negative integer or "all", got "${raw}"`);
    }
    return Number(raw);
  }
}

/**
 * Merges option objects left to right, skipping keys whose value is `undefined`, so that
 * `{ ttlMs: config.ttl }` with an unset `config.ttl` keeps the TTL given in the URI. Every
 * adapter merges `(uriOptions, programmaticOptions)` in that order: what the code says beats
 * what the URI says.
 */
export function mergeOptions<T extends object>(
  ...sources: ({ [K in keyof T]?: T[K] | undefined } | undefined)[]
): Partial<T> {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    if (source === undefined) continue;
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged as Partial<T>;
}
