import { CorruptDataError } from '@context-storage/core';

/**
 * The version of the Redis layout this library reads and writes, stored in each context's
 * `layout` field when the context is created. A context written by another layout version (or
 * before the field existed: version 1) is refused, so a later change of the layout is detected
 * instead of being misread.
 */
export const LAYOUT_VERSION = 2;

/** The error reply WRITE_CONTEXT raises for a stored context of another layout version. */
export const LAYOUT_REFUSAL = 'CSLAYOUT';

/**
 * A stored context was written by another version of the Redis layout: this library neither reads
 * nor overwrites it in place (`setItem` of a new context, which replaces it, or `delItem` still
 * work). Only this context is affected.
 */
export class LayoutVersionError extends CorruptDataError {
  /** The layout version found in the context (`1` when it has none). */
  readonly storedLayout: string;

  /**
   * @param id - the context id
   * @param storedLayout - the layout version the context holds
   */
  constructor(id: string, storedLayout: string) {
    super(
      id,
      'main.layout',
      `it was written in Redis layout version ${storedLayout}, and this library reads layout version ${LAYOUT_VERSION} only; delete it (delItem) or save a new context over it (setItem)`,
    );
    this.storedLayout = storedLayout;
  }
}

/** The layout version a stored `layout` field names: none is version 1, before the field. */
export function storedLayout(field: string | undefined): string {
  return field === undefined ? '1' : field;
}

/**
 * WRITE_CONTEXT's refusal of a context of another layout, as the typed error; `undefined` for any
 * other error.
 */
export function layoutRefusal(id: string, error: Error): LayoutVersionError | undefined {
  const match = new RegExp(`${LAYOUT_REFUSAL} (\\S*)`).exec(error.message);
  return match === null ? undefined : new LayoutVersionError(id, match[1] || '1');
}
