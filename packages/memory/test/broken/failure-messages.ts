/**
 * The failure messages of a suite run, read from its TAP output, and what makes one readable:
 * it says, in the domain's words, which operation was expected to do what ("after delItem('1'),
 * contains('10') is still true"), never node:assert's own `true !== false`.
 */
import { Context, DBContextStorage } from '@context-storage/core';

/** One failed test of a run and the first line of its error message. */
export interface Failure {
  test: string;
  message: string;
}

/** Undoes YAML's single-quoted (`''` for `'`) or double-quoted (JSON-like) scalar. */
function unquote(scalar: string): string {
  if (scalar.startsWith("'")) return scalar.slice(1, -1).replaceAll("''", "'");
  if (scalar.startsWith('"')) return JSON.parse(scalar) as string;
  return scalar;
}

/**
 * Every test of `tap` that failed in its own code (not a describe block failing because its
 * tests did), with the first line of its error: node's TAP reporter writes the error either as
 * a quoted scalar (`error: '...'`) or as a block (`error: |-` then indented lines).
 */
export function failuresOf(tap: string): Failure[] {
  const failures: Failure[] = [];
  const lines = tap.split('\n');
  let test: string | undefined;
  let ownFailure = false;
  for (const [index, line] of lines.entries()) {
    const notOk = /^\s*not ok \d+ - (.*)$/.exec(line);
    if (notOk !== null) {
      test = notOk[1]!;
      ownFailure = false;
      continue;
    }
    if (test === undefined) continue;
    if (/^\s*failureType: 'testCodeFailure'$/.test(line)) ownFailure = true;
    const error = /^\s*error: (.*)$/.exec(line);
    if (error === null || !ownFailure) continue;
    const scalar = error[1]!;
    const message = scalar === '|-' || scalar === '|' ? lines[index + 1]!.trim() : unquote(scalar);
    failures.push({ test, message });
    test = undefined;
  }
  return failures;
}

/** How node:assert's own messages open, given when an assertion has no message of its own. */
const NODE_ASSERT_OPENINGS = [
  'Expected values to be',
  'Expected "actual"',
  'The expression evaluated to a falsy value',
  'No value argument passed',
  'The input did not match',
  'The input was expected to not match',
  'Missing expected',
  'Got unwanted',
  'Failed',
];

/**
 * True when `message` is node:assert's own wording, which says nothing of the domain: one of its
 * openings, or a bare comparison such as `true !== false` or `false == true` (what `assert.ok`
 * says when it cannot read the source of the failing call).
 */
export function isNodeAssertWording(message: string): boolean {
  return (
    NODE_ASSERT_OPENINGS.some((opening) => message.startsWith(opening)) ||
    /^.+ [!=]==? .+$/.test(message)
  );
}

/** Names of the methods of a prototype chain's own class (not Object's). */
function methodNames(prototype: object): string[] {
  return Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor');
}

/**
 * The operations a message may name: every method of a storage, a context and its turn maps,
 * and the suite's raw hooks. A method that is also an English word (`contains`, `len`, `update`)
 * counts only when called, `contains(...)`.
 */
const OPERATIONS = [
  ...methodNames(DBContextStorage.prototype),
  ...methodNames(Context.prototype),
  ...methodNames(Object.getPrototypeOf(new Context('vocabulary').requests) as object),
  'readRaw',
  'corrupt',
  'reopen',
  'makeUnavailable',
];

const NAMES_AN_OPERATION = new RegExp(
  OPERATIONS.map((name) => (/[A-Z]/.test(name) ? `\\b${name}\\b` : `\\b${name}\\(`)).join('|'),
);

/** A property of a storage or a context, as the suite names it: `storage.location`. */
const NAMES_A_PROPERTY = /\b(storage|context)\.[a-z]\w*/;

/**
 * True when `message` reads as the suite's domain sentence: not node:assert's own wording, and
 * naming what it is about: an operation (`getItem`, `contains('10')`, the `readRaw` hook...), a
 * property (`context.expiresAt`), or, for a storage error the test did not expect, the sentence
 * the suite gives it (`the storage threw CONFLICT where the test expected the call to succeed`).
 */
export function isDomainSentence(message: string): boolean {
  if (isNodeAssertWording(message)) return false;
  return (
    NAMES_AN_OPERATION.test(message) ||
    NAMES_A_PROPERTY.test(message) ||
    message.startsWith('the storage threw ')
  );
}
