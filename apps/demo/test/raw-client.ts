import { connect } from 'node:net';

/** One HTTP answer read off a socket (interim 1xx answers skipped). */
export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** What a raw exchange saw. */
export interface RawExchange {
  /** The first final answer, once it was read whole. */
  answer?: RawAnswer | undefined;
  /** The socket error the client met (`ECONNRESET`, `EPIPE`...). */
  error?: string;
  /** When the server ended or closed the connection, in ms from the connection, if it did. */
  closedAfterMs?: number;
}

/** How a raw exchange sends and waits. */
export interface RawOptions {
  /**
   * Read nothing until every part is written, like a client that sends its whole body before it
   * looks at the answer: a server that closes early then resets the answer away.
   */
  readAfterSending?: boolean;
  /** Half-close the connection (FIN) after the parts, like a client that gave up sending. */
  end?: boolean;
  /** Reset the connection (RST) after the parts, like a client that crashed mid-request. */
  reset?: boolean;
  /** After the parts, write this every `everyMs` until the server closes (a slow client). */
  trickle?: { chunk: string; everyMs: number };
  /** Wait for the server to close the connection, not just for the answer. */
  untilClosed?: boolean;
  /** Give up after this long, in ms (default 5 s). */
  timeoutMs?: number;
}

/**
 * Writes `parts` on a fresh TCP connection to `base` (`http://127.0.0.1:PORT`), byte for byte
 * (so requests no HTTP client would send can be sent), and reads the answer.
 */
export function rawExchange(
  base: string,
  parts: (string | Buffer)[],
  options: RawOptions = {},
): Promise<RawExchange> {
  const { port, hostname } = new URL(base);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const seen: RawExchange = {};
    let received = Buffer.alloc(0);
    let trickle: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      clearInterval(trickle);
      socket.destroy();
      resolve(seen);
    };
    const timer = setTimeout(done, options.timeoutMs ?? 5_000);
    const closed = () => {
      seen.closedAfterMs ??= Date.now() - started;
      seen.answer ??= parseAnswer(received, true);
      done();
    };
    if (options.readAfterSending) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      seen.answer ??= parseAnswer(received, false);
      if (seen.answer !== undefined && !options.untilClosed) done();
    });
    socket.once('end', closed);
    socket.once('close', closed);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      seen.error ??= error.code ?? error.message;
    });
    parts.forEach((part, i) => {
      socket.write(part, () => {
        if (i < parts.length - 1) return;
        if (options.readAfterSending) socket.resume();
        if (options.end) socket.end();
        if (options.reset) socket.resetAndDestroy();
        if (options.trickle !== undefined) {
          const { chunk, everyMs } = options.trickle;
          trickle = setInterval(() => socket.writable && socket.write(chunk), everyMs);
        }
      });
    });
  });
}

/** The first final answer in `bytes`, if it is all there (`atEnd`: the connection is over). */
function parseAnswer(bytes: Buffer, atEnd: boolean): RawAnswer | undefined {
  let rest = bytes;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const [statusLine = '', ...lines] = rest.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (Number.isNaN(status)) return undefined;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const body = rest.subarray(headEnd + 4);
    if (status < 200) {
      rest = body;
      continue;
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (body.length < length) return undefined;
      return { status, headers, body: body.subarray(0, length).toString('utf8') };
    }
    if (headers['transfer-encoding'] === 'chunked') {
      const decoded = decodeChunked(body);
      return decoded === undefined ? undefined : { status, headers, body: decoded };
    }
    return atEnd ? { status, headers, body: body.toString('utf8') } : undefined;
  }
}

function decodeChunked(bytes: Buffer): string | undefined {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(chunks).toString('utf8');
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
