/**
 * Every assertion of the conformance suite says, in the domain's words, what was expected: a
 * failing adapter must read "after delItem('1'), contains('10') is still true", not
 * `true !== false`. This reads the suite's source and finds every `assert.*` call (and every
 * `rejectsWith`) that gives no message; `packages/memory/test/broken-adapters.test.ts` checks the
 * messages the suite really prints when it fails on broken adapters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const CONFORMANCE_DIR = fileURLToPath(new URL('../src/conformance/', import.meta.url));

/** Index of the message argument of each node:assert function the suite may call. */
const MESSAGE_ARGUMENT: Readonly<Record<string, number>> = {
  ok: 1,
  equal: 2,
  notEqual: 2,
  strictEqual: 2,
  notStrictEqual: 2,
  deepEqual: 2,
  notDeepEqual: 2,
  deepStrictEqual: 2,
  notDeepStrictEqual: 2,
  match: 2,
  doesNotMatch: 2,
  rejects: 2,
  throws: 2,
  fail: 0,
};

/** A call of the suite's source that fails without saying what was expected. */
interface BareCall {
  where: string;
  call: string;
}

/** Every `assert(...)`, `assert.*(...)` and `rejectsWith(...)` call of `text` lacking a message. */
function bareCalls(file: string, text: string): BareCall[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: BareCall[] = [];
  const report = (node: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    found.push({ where: `${file}:${line + 1}`, call: node.getText().split('\n')[0]! });
  };
  const saysSomething = (argument: ts.Expression | undefined) =>
    argument !== undefined &&
    !(ts.isStringLiteralLike(argument) && argument.text.trim().length === 0);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee) && callee.text === 'assert') {
        if (!saysSomething(node.arguments[1])) report(node);
      } else if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'assert'
      ) {
        const index = MESSAGE_ARGUMENT[callee.name.text];
        if (index === undefined || !saysSomething(node.arguments[index])) report(node);
      } else if (ts.isIdentifier(callee) && callee.text === 'rejectsWith') {
        if (!saysSomething(node.arguments[2])) report(node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const FILES = readdirSync(CONFORMANCE_DIR).filter((file) => file.endsWith('.ts'));

describe('the conformance suite says what it expected', () => {
  test('it reads the suite: assertions are found in its files', () => {
    const calls = FILES.map((file) =>
      readFileSync(`${CONFORMANCE_DIR}${file}`, 'utf8').match(/\bassert\.\w+\(/g),
    );
    expect(calls.flat().filter(Boolean).length).toBeGreaterThan(300);
  });

  test('a call without a message is found (the check can fail)', () => {
    const probe = [
      'assert.equal(a, b);',
      "assert.equal(a, b, 'after setItem, a is b');",
      "assert.ok(x, '');",
      'assert(x);',
      'assert.ifError(x);',
      "rejectsWith(p, 'CLOSED');",
      "rejectsWith(p, 'CLOSED', 'len() after close()');",
    ].join('\n');
    expect(bareCalls('probe.ts', probe).map(({ where }) => where)).toEqual([
      'probe.ts:1',
      'probe.ts:3',
      'probe.ts:4',
      'probe.ts:5',
      'probe.ts:6',
    ]);
  });

  for (const file of FILES) {
    test(`every assertion of ${file} gives a message`, () => {
      const text = readFileSync(`${CONFORMANCE_DIR}${file}`, 'utf8');
      expect(bareCalls(file, text)).toEqual([]);
    });
  }
});
