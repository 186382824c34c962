import type { Codec } from './codec.js';
import {
  type LoadWindows,
  type StorageCapabilities,
  TURN_FIELDS,
  type TurnField,
  type TurnWindow,
} from './driver.js';
import { InvalidArgumentError, UnsupportedOperationError } from './errors.js';

/** Turn items loaded with a context: one window for every field, or one per field. */
export type LatestOption = TurnWindow | Partial<Record<TurnField, TurnWindow>>;

/** Options of a storage, common to every adapter. */
export interface StorageOptions {
  /** Codec of every stored value. Default: `jsonCodec`. */
  codec?: Codec;
  /** Default time to live of a context, in ms, renewed by every write. Default: no expiry. */
  ttlMs?: number;
  /** Turn items loaded with a context. Default: the latest {@link DEFAULT_LATEST} of each field. */
  latest?: LatestOption;
  /** How many times `update` retries after a conflict. Default {@link DEFAULT_UPDATE_RETRIES}. */
  updateRetries?: number;
}

/**
 * The options every adapter takes, with the same names and meaning everywhere, whether given in
 * code or in the URI's query (the code's win): the storage options plus the prefix.
 */
export interface AdapterOptions extends StorageOptions {
  /** Namespace of this storage; storages with different prefixes never see each other. */
  prefix?: string;
}

/** The options every adapter with a client library takes besides {@link AdapterOptions}. */
export interface ClientAdapterOptions extends AdapterOptions {
  /** Upper bound of every call to the backend in ms (0: none). Default 5,000. */
  commandTimeoutMs?: number;
  /** Close the client on `close()`. Default: true for a client the adapter opened, false for yours. */
  closeClient?: boolean;
}

/** Options of a single load. */
export interface LoadOptions {
  /** Turn items to load, overriding the storage's `latest`. */
  latest?: LatestOption;
}

/** Options of a single save. */
export interface SaveOptions {
  /** Time to live of the saved contexts in ms, overriding the storage's; `null`: no expiry. */
  ttlMs?: number | null;
}

/** Options of `DBContextStorage.update`. */
export interface UpdateOptions extends LoadOptions, SaveOptions {
  /** How many times to retry after a conflict. Default: the storage's `updateRetries`. */
  retries?: number;
}

/** Options of `DBContextStorage.ids`. */
export interface IdsOptions {
  /** About how many ids each round trip fetches. Default 500. */
  pageSize?: number;
}

/** Default number of latest turn items loaded per field. */
export const DEFAULT_LATEST = 3;
/** Default number of retries of `update` after a conflict. */
export const DEFAULT_UPDATE_RETRIES = 25;

/** The same window for every field. */
export function uniformWindows(window: TurnWindow): LoadWindows {
  return { labels: window, requests: window, responses: window };
}

/**
 * Applies a `latest` option over defaults, validating each window.
 *
 * @throws `InvalidArgumentError` for a window that is neither a non-negative integer nor `'all'`
 */
export function resolveWindows(
  option: LatestOption | undefined,
  defaults: LoadWindows,
): LoadWindows {
  if (option === undefined) return defaults;
  const windows =
    typeof option === 'object'
      ? {
          ...defaults,
          ...Object.fromEntries(Object.entries(option).filter(([, value]) => value !== undefined)),
        }
      : uniformWindows(option);
  for (const field of TURN_FIELDS) {
    const window = windows[field];
    if (window !== 'all' && (!Number.isSafeInteger(window) || window < 0)) {
      throw new InvalidArgumentError(
        `latest.${field} must be a non-negative integer or 'all', got ${String(window)}`,
      );
    }
  }
  return windows;
}

/**
 * A TTL option: `undefined` and `null` pass through, anything else must be a positive integer
 * and the backend must be able to expire contexts.
 *
 * @throws `InvalidArgumentError`; `UnsupportedOperationError` on a backend without TTL
 */
export function checkTtl(
  ttlMs: number | null | undefined,
  capabilities: StorageCapabilities,
  adapterName: string,
): number | null | undefined {
  if (ttlMs === undefined || ttlMs === null) return ttlMs;
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new InvalidArgumentError(`ttlMs must be a positive integer of ms, got ${String(ttlMs)}`);
  }
  if (!capabilities.ttl)
    throw new UnsupportedOperationError(adapterName, 'expire contexts (ttlMs)');
  return ttlMs;
}

/**
 * A count option (retries, page size).
 *
 * @throws `InvalidArgumentError` unless a non-negative safe integer
 */
export function checkCount(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}
