import { InvalidArgumentError, TURN_FIELDS, type TurnField } from '@context-storage/core';

/**
 * The vocabulary of the SQL layout, in one place: the DDL, the statements, the write encoder and
 * the reply parsers derive every name and code from here.
 */

/** Version of the layout recorded in `<schema>.layout`; a later version migrates from it. */
export const SCHEMA_VERSION = 1;

/** The row of `<schema>.layout` that records {@link SCHEMA_VERSION}. */
export const LAYOUT_NAME = 'context-storage';

/** Default schema holding the tables and functions. */
export const DEFAULT_SCHEMA = 'context_storage';

/** Default prefix (a column value): storages with different prefixes never see each other. */
export const DEFAULT_PREFIX = 'ctx';

/** Code of each turn field in `turn_items.field`, in {@link TURN_FIELDS} order. */
export const FIELD_CODES: Readonly<Record<TurnField, number>> = Object.freeze({
  labels: 0,
  requests: 1,
  responses: 2,
});

/** The turn field of a stored code, `undefined` for a code no version of the layout writes. */
export function fieldOfCode(code: number): TurnField | undefined {
  return TURN_FIELDS[code];
}

/** Expired contexts a write or a sweep deletes at most, so that the cost of a call stays bounded. */
export const DEFAULT_SWEEP_LIMIT = 100;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A schema or role name, checked: lower-case letters, digits and `_`, starting with a letter or
 * `_`, at most 63 characters (what PostgreSQL keeps unquoted), so that it never needs quoting.
 *
 * @throws `InvalidArgumentError` naming `what`
 */
export function checkIdentifier(name: string, what = 'schema'): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new InvalidArgumentError(
      `${what} must be a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/**
 * The prefix, checked: any string that PostgreSQL `text` can hold (no NUL character).
 *
 * @throws `InvalidArgumentError`
 */
export function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || prefix.includes('\u0000')) {
    throw new InvalidArgumentError('prefix must be a string without NUL characters');
  }
  return prefix;
}

const utf8 = new TextDecoder();

/** An id as the statements take it: its UTF-8 bytes in hex (JSON-safe, NUL included). */
export function idHex(id: string): string {
  return Buffer.from(id, 'utf8').toString('hex');
}

/** An id as stored (`bytea`, UTF-8) back to a string. */
export function idOfBytes(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * A PostgreSQL array literal of integers or of hex strings (`{1,2,3}`, `{6869,6a}`): the only
 * kinds of elements the statements take, none of which needs quoting.
 */
export function arrayLiteral(elements: readonly (number | string)[]): string {
  return `{${elements.join(',')}}`;
}
