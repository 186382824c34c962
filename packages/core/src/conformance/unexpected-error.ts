import { isContextStorageError } from '../errors.js';

/**
 * What a test reports when it stops on an error that is not one of its assertions: the
 * storage's own error (a `CONFLICT` where the test expected the save to succeed) or a slip of the
 * test itself. The message says so in the suite's words, then quotes the error; the original is
 * the `cause`, and its stack frames are kept, so the report still points at the failing call.
 * Assertion failures pass through unchanged: their messages already say what was expected.
 */
export function explainUnexpected(error: unknown): unknown {
  if ((error as { code?: unknown } | undefined)?.code === 'ERR_ASSERTION') return error;
  const what = isContextStorageError(error)
    ? `the storage threw ${error.code} where the test expected the call to succeed`
    : 'the test stopped on an error outside its assertions';
  const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const explained = new Error(`${what}: ${shown}`, { cause: error });
  if (error instanceof Error && error.stack !== undefined) {
    const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
    explained.stack = [`Error: ${explained.message}`, ...frames].join('\n');
  }
  return explained;
}
