/**
 * Stable machine-readable codes of every error this library raises. They never change between
 * versions, so code may branch on them (`if (err.code === 'CONFLICT') retry()`), including across
 * two copies of the package where `instanceof` would fail.
 */
export type ContextStorageErrorCode = (typeof ERROR_CODES)[number];

const ERROR_CODES = [
  'CONNECTION',
  'CONFLICT',
  'CORRUPT_DATA',
  'CODEC',
  'INVALID_URI',
  'UNKNOWN_SCHEME',
  'CLOSED',
  'INVALID_ARGUMENT',
  'UNSUPPORTED',
  'PERMISSION',
  'MISSING_PACKAGE',
] as const;
const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** Options common to every error: the underlying failure, when there is one. */
export interface ContextStorageErrorOptions {
  /** The error that caused this one (a client library's error, a decoder's error...). */
  cause?: unknown;
}

/**
 * Base class of every error raised by context-storage and its adapters.
 *
 * Catch this to handle any storage failure; read {@link ContextStorageError.code} to tell them
 * apart. The original failure, when there is one, is on `cause`.
 */
export class ContextStorageError extends Error {
  /** Stable code of this kind of failure. */
  readonly code: ContextStorageErrorCode;

  /**
   * @param code - stable code of the failure
   * @param message - what happened, for a person
   * @param options - `cause`: the underlying error
   */
  constructor(
    code: ContextStorageErrorCode,
    message: string,
    options?: ContextStorageErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The backend could not be reached, refused the connection or the credentials, or did not answer
 * in time. The failed call may still take effect (a command sent before an outage can run once
 * the backend is back); retrying a version-checked save or an `update` is safe: it applies once,
 * or reports a `ConflictError` when the first attempt did land.
 */
export class ConnectionError extends ContextStorageError {
  /**
   * @param message - what failed (never contains a password)
   * @param options - `cause`: the client library's error
   */
  constructor(message: string, options?: ContextStorageErrorOptions) {
    super('CONNECTION', message, options);
  }
}

/**
 * A save was rejected because the stored context changed since it was loaded (or, for a new
 * context saved with a version check, because one already exists). Nothing was written; reload
 * and apply the change again, or use `storage.update()`, which does that for you.
 */
export class ConflictError extends ContextStorageError {
  /** Id of the context whose save was rejected. */
  readonly id: string;
  /** Version the writer expected to find (0: expected no stored context). */
  readonly expectedVersion: number;
  /** Version found in storage, `undefined` when no context is stored under the id. */
  readonly actualVersion: number | undefined;

  /**
   * @param id - the context id
   * @param expectedVersion - version the save was based on
   * @param actualVersion - version found in storage, undefined when none
   * @param message - optional override of the default message
   */
  constructor(
    id: string,
    expectedVersion: number,
    actualVersion: number | undefined,
    message?: string,
  ) {
    super(
      'CONFLICT',
      message ??
        `context ${quoteId(id)} was changed by another writer since it was loaded (expected version ${expectedVersion}, found ${
          actualVersion === undefined ? 'no stored context' : `version ${actualVersion}`
        }${
          actualVersion === expectedVersion ? ' of a context created anew' : ''
        }); nothing was written`,
    );
    this.id = id;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/**
 * What is stored for one context cannot be read back (unparsable main info, a payload the codec
 * cannot decode, data written by something else). Only this context is affected: other contexts
 * stay readable, and `delItem(id)` removes the damaged one.
 */
export class CorruptDataError extends ContextStorageError {
  /** Id of the damaged context. */
  readonly id: string;
  /** Which part is damaged, for example `main.version`, `misc` or `requests[7]`. */
  readonly part: string;

  /**
   * @param id - the context id
   * @param part - which stored part is damaged
   * @param reason - what is wrong with it
   * @param options - `cause`: the decoder's error
   */
  constructor(id: string, part: string, reason: string, options?: ContextStorageErrorOptions) {
    super(
      'CORRUPT_DATA',
      `stored context ${quoteId(id)} is corrupt at ${part}: ${reason}`,
      options,
    );
    this.id = id;
    this.part = part;
  }
}

/**
 * A value cannot be stored faithfully by the storage's codec (a `Date` or `BigInt` under plain
 * JSON, a function, a cycle...). Raised at save time, before anything is written.
 */
export class CodecError extends ContextStorageError {
  /** Path of the offending value, for example `misc.user.birthday` or `requests[3].at`. */
  readonly path: string;

  /**
   * @param path - where the value sits in the context
   * @param reason - why the codec refuses it
   * @param options - `cause`: the encoder's error, if any
   */
  constructor(path: string, reason: string, options?: ContextStorageErrorOptions) {
    super('CODEC', `cannot store ${path}: ${reason}`, options);
    this.path = path;
  }
}

/** A storage URI is malformed or names an option that does not exist. Passwords are redacted. */
export class InvalidUriError extends ContextStorageError {
  /** The URI with any password replaced by `***`. */
  readonly uri: string;

  /**
   * @param uri - the URI, already redacted
   * @param reason - what is wrong with it
   */
  constructor(uri: string, reason: string) {
    super('INVALID_URI', `invalid storage URI "${uri}": ${reason}`);
    this.uri = uri;
  }
}

/**
 * No adapter serves a URI scheme: the scheme is unknown, or the package that serves it is not
 * installed (then {@link UnknownSchemeError.packageName} names the package to install).
 */
export class UnknownSchemeError extends ContextStorageError {
  /** The scheme, without `://`. */
  readonly scheme: string;
  /** The package that serves the scheme, when it is a known one that is not installed. */
  readonly packageName: string | undefined;

  /**
   * @param scheme - the URI scheme
   * @param packageName - adapter package that serves it, if known
   * @param options - `cause`: the import failure, if any; `problem`: what is wrong with an
   *   installed `packageName` (default: it is not installed)
   */
  constructor(
    scheme: string,
    packageName?: string,
    options?: ContextStorageErrorOptions & { problem?: string },
  ) {
    super(
      'UNKNOWN_SCHEME',
      packageName === undefined
        ? `no context-storage adapter serves the scheme "${scheme}://"`
        : options?.problem === undefined
          ? `the scheme "${scheme}://" is served by ${packageName}, which is not installed: run \`npm install ${packageName}\` (or pnpm add / yarn add); in a bundled application, import the adapter and pass it: createContextStorage(uri, { adapters: [contextStorageAdapter] })`
          : `the scheme "${scheme}://" is served by ${packageName}, which ${options.problem}`,
      options,
    );
    this.scheme = scheme;
    this.packageName = packageName;
  }
}

/**
 * A package a storage needs at run time is not installed: typically the client library of an
 * adapter (`ioredis`, `redis`, `keyv`, `pg`...), which adapters declare as a peer dependency so
 * that an application installs only the backend it uses. {@link MissingPackageError.packageName}
 * names the package to install, and the message says how.
 */
export class MissingPackageError extends ContextStorageError {
  /** The package to install, for example `ioredis`. */
  readonly packageName: string;
  /** The package that needs it, for example `@context-storage/ioredis`, when known. */
  readonly requiredBy: string | undefined;

  /**
   * @param packageName - the missing package
   * @param requiredBy - the package that imports it, if known
   * @param options - `cause`: the import failure; `range`: the versions to install (`^5`), when
   *   the latest one would not do
   */
  constructor(
    packageName: string,
    requiredBy?: string,
    options?: ContextStorageErrorOptions & { range?: string },
  ) {
    const spec = options?.range === undefined ? packageName : `${packageName}@${options.range}`;
    super(
      'MISSING_PACKAGE',
      `${requiredBy ?? 'context-storage'} needs the package ${packageName}, which is not installed: run \`npm install ${spec}\` (or pnpm add / yarn add)`,
      options,
    );
    this.packageName = packageName;
    this.requiredBy = requiredBy;
  }
}

/**
 * The backend refused an operation to this user: a Redis ACL rule (`NOPERM`), a SQL role without
 * the privilege. Retrying does not help; granting does, and {@link PermissionError.grant} says
 * what to grant when the backend told.
 */
export class PermissionError extends ContextStorageError {
  /** What to grant, in the backend's own terms (`+evalsha`, `~ctx::*`, `INSERT ON ...`), if known. */
  readonly grant: string | undefined;

  /**
   * @param message - what was refused, naming what to grant
   * @param grant - what to grant, if known
   * @param options - `cause`: the client's error
   */
  constructor(message: string, grant?: string, options?: ContextStorageErrorOptions) {
    super('PERMISSION', message, options);
    this.grant = grant;
  }
}

/** The storage was closed with `close()`; create a new one to go on. */
export class ClosedStorageError extends ContextStorageError {
  /** @param name - name of the closed storage's adapter */
  constructor(name: string) {
    super('CLOSED', `the ${name} context storage is closed`);
  }
}

/** An argument is not acceptable: an empty or malformed id, a negative TTL, a bad turn id... */
export class InvalidArgumentError extends ContextStorageError {
  /** @param message - what is wrong */
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** The adapter declares that it cannot do this (for example list ids over a store without an iterator). */
export class UnsupportedOperationError extends ContextStorageError {
  /**
   * @param name - the adapter's name
   * @param operation - what it cannot do
   */
  constructor(name: string, operation: string) {
    super('UNSUPPORTED', `the ${name} context storage cannot ${operation}`);
  }
}

/**
 * True when `error` is a context-storage error, also when it comes from another copy of this
 * package (where `instanceof` is false).
 */
export function isContextStorageError(error: unknown): error is ContextStorageError {
  if (error instanceof ContextStorageError) return true;
  const code: unknown =
    error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && CODES.has(code);
}

/** Quotes an id for a message, cut short so a 1 MB id does not flood logs. */
export function quoteId(id: string): string {
  return JSON.stringify(id.length > 80 ? `${id.slice(0, 77)}...` : id);
}
