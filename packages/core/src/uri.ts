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
  const userinfo = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i; // greedy: a raw '@' in the password
  const redacted = userinfo.test(uri)
    ? uri.replace(userinfo, (_match, scheme: string, info: string) => {
        const colon = info.indexOf(':');
        return colon === -1 ? `${scheme}${info}@` : `${scheme}${info.slice(0, colon)}:***@`;
      })
    : // Not a well-formed URI: still hide anything shaped like user:password@.
      uri.replace(/:[^\s@/]*@/g, ':***@');
  return redacted.replace(/([?&](?:password|pass|pwd)=)[^&#]*/gi, '$1***');
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
    if (!/^\d+$/.test(raw))
      this.fail(`${name} must be a non-negative integer or "all", got "${raw}"`);
    return Number(raw);
  }
}
