import { jsonCodec } from './codec.js';
import { TURN_FIELDS, type TurnField, type TurnWindow } from './driver.js';
import { InvalidUriError } from './errors.js';
import { richCodec } from './rich-codec.js';
import type { StorageOptions } from './storage.js';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Replaces the password of a URI (in its userinfo or a `password` query parameter) with `***`,
 * so that the URI can appear in errors, logs and pages. Works on malformed URIs too.
 */
export function redactUri(uri: string): string {
  const head = /^([a-z][a-z0-9+.-]*:\/\/)([^?]*)/i.exec(uri);
  let redacted: string;
  if (head === null) {
    // Not a well-formed URI: still hide anything shaped like user:password@.
    redacted = uri.replace(/:[^\s@]*@/g, ':***@');
  } else {
    // The userinfo ends at the last '@' before the query: a password may hold '/', '#' or '@'.
    const [whole, scheme, rest] = head as unknown as [string, string, string];
    const at = rest.lastIndexOf('@');
    const info = at === -1 ? '' : rest.slice(0, at);
    const colon = info.indexOf(':');
    redacted =
      colon === -1
        ? uri
        : `${scheme}${info.slice(0, colon)}:***${rest.slice(at)}${uri.slice(whole.length)}`;
  }
  // A fragment may be the tail of a password holding a raw '#': never show it.
  const hash = redacted.indexOf('#');
  if (hash !== -1) redacted = `${redacted.slice(0, hash)}#***`;
  return redacted.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, separator: string, key: string) =>
    SECRET_PARAM.test(safeDecode(key)) ? `${separator}${key}=***` : whole,
  );
}

const SECRET_PARAM = /pass|pwd|secret|token|auth/i;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The scheme of a storage URI, lower-cased, without `://`.
 *
 * @throws {@link InvalidUriError} when `uri` is not a string of the form `scheme://...`
 */
export function uriScheme(uri: unknown): string {
  if (typeof uri !== 'string' || uri.trim() === '') {
    throw new InvalidUriError(String(uri), 'expected a URI such as memory:// or redis://host:6379');
  }
  const match = SCHEME.exec(uri);
  if (match === null) {
    throw new InvalidUriError(
      redactUri(uri),
      'expected scheme://..., for example memory:// or redis://host:6379',
    );
  }
  return match[1]!.toLowerCase();
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
    if (codec !== undefined) options.codec = codec === 'json' ? jsonCodec : richCodec;
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
 * `{ ttlMs: config.ttl }` with an unset `config.ttl` keeps the TTL given in the URI.
 */
export function mergeOptions<T extends object>(...sources: (Partial<T> | undefined)[]): Partial<T> {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    if (source === undefined) continue;
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged as Partial<T>;
}
