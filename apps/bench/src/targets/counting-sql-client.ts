import type { SqlClient } from '@context-storage/postgres';
import { type StatementMeter, statementLabel } from '../statements.js';

/**
 * `inner` with every statement counted while its meter measures: each `query` is one statement
 * (one round trip, as the interface promises); an `exec` script (the DDL) counts as one too. The
 * wrapper adds a map lookup per statement, nothing else. For PGlite, which has no server to ask.
 */
export function countingSqlClient(inner: SqlClient): { client: SqlClient; meter: StatementMeter } {
  let calls: Record<string, number> | undefined;
  const count = (text: string) => {
    if (calls === undefined) return;
    const label = statementLabel(text);
    calls[label] = (calls[label] ?? 0) + 1;
  };
  return {
    client: {
      name: inner.name,
      location: inner.location,
      query(text, params) {
        count(text);
        return inner.query(text, params);
      },
      exec(script) {
        count(script);
        return inner.exec(script);
      },
      close: () => inner.close(),
    },
    meter: {
      source: 'SqlClient wrapper',
      async measure(block) {
        const counted: Record<string, number> = {};
        calls = counted;
        try {
          await block();
        } finally {
          calls = undefined;
        }
        return { calls: counted, serverMs: null };
      },
    },
  };
}
