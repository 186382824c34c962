import type { SqlClient } from '../src/index.js';

/** A {@link SqlClient} that records every statement sent through it (one entry per round trip). */
export interface CountingClient extends SqlClient {
  /** The statements sent, in order; `exec` scripts too. */
  readonly sent: string[];
}

/** Wraps a binding and counts what it sends: the client side of the round-trip tests. */
export function countingClient(inner: SqlClient): CountingClient {
  const sent: string[] = [];
  return {
    name: inner.name,
    location: inner.location,
    sent,
    query(text, params) {
      sent.push(text);
      return inner.query(text, params);
    },
    exec(script) {
      sent.push(script);
      return inner.exec(script);
    },
    close: () => inner.close(),
  };
}
