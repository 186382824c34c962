import { ConnectionError, isContextStorageError } from '@context-storage/core';

/** The SQLSTATE of a database error (`40001`...), if it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Serialization failure (40001) or deadlock (40P01): the whole statement was rolled back and may
 * simply run again.
 */
export function isRetryable(error: unknown): boolean {
  const state = sqlState(error);
  return state === '40001' || state === '40P01';
}

/**
 * A database failure as the error the user gets: typed errors as they are; anything else (a lost
 * connection, a cancelled statement: `statement_timeout` is 57014, a shutdown, a refused
 * statement) as a `ConnectionError` with the SQLSTATE in the message and the original as `cause`.
 * Messages of PostgreSQL never contain a password.
 */
export function storageErrorOf(error: unknown, description: string, what: string): Error {
  if (isContextStorageError(error)) return error;
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionError(
    `${description} failed ${what}: ${message}${state === undefined ? '' : ` (SQLSTATE ${state})`}`,
    { cause: error },
  );
}
