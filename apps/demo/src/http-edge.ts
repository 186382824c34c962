import {
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';
import { type Duplex, finished } from 'node:stream';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Default time a client has to send the request line and headers, in ms. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** Default time a client has to send a whole request, body included, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Default time an idle keep-alive connection stays open after an answer, in ms. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** The methods the demo serves somewhere (the `Allow` of a CONNECT, which names no path). */
const SERVED_METHODS = 'GET, HEAD, POST, DELETE';
const JSON_TYPE = 'application/json; charset=utf-8';
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A refused request, answered as `{ error: { code, message } }` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** How long the demo's HTTP server waits for a client, in ms. */
export interface DemoServerOptions {
  /**
   * Time to send the request line and headers, from the connection (or the end of the previous
   * answer); past it the server answers 408 and closes. Default {@link DEFAULT_HEADERS_TIMEOUT_MS}.
   */
  headersTimeoutMs?: number;
  /**
   * Time to send the whole request, body included; past it the server answers 408 (or, when it
   * already answered, as after a 413, closes). Default {@link DEFAULT_REQUEST_TIMEOUT_MS}.
   */
  requestTimeoutMs?: number;
  /** Time an idle keep-alive connection stays open. Default {@link DEFAULT_KEEP_ALIVE_TIMEOUT_MS}. */
  keepAliveTimeoutMs?: number;
}

/**
 * Node's server options for these timeouts. Throws `RangeError` (Node's `ERR_OUT_OF_RANGE`) at
 * server creation when the headers timeout exceeds the request timeout.
 */
export function serverOptions(options: DemoServerOptions): ServerOptions {
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    // Node answers an HTTP/1.1 request without Host with a bare 400 before any handler sees it;
    // the demo makes that check itself ({@link checkHost}) to answer with its JSON error shape.
    requireHostHeader: false,
    // Node checks both timeouts on this interval, 30 s by default: a 10 s bound would hold a
    // socket up to 40 s. A quarter of the shorter bound keeps each within 25 % of its value.
    connectionsCheckingInterval: Math.max(
      1,
      Math.floor(Math.min(1_000, headersTimeout / 4, requestTimeout / 4)),
    ),
  };
}

/** Refuses an HTTP/1.1 request without a Host header (RFC 9112 3.2), as Node would, with a 400. */
export function checkHost(request: IncomingMessage): void {
  if (request.httpVersion === '1.1' && request.headers.host === undefined) {
    throw new HttpError(400, 'BAD_REQUEST', 'an HTTP/1.1 request needs a Host header');
  }
}

/** Sockets with an answer being written: a late client error must not write a second one. */
const answering = new WeakSet<Duplex>();

/** Answers `body` as JSON, as {@link send} does. */
export function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(request, response, status, { 'content-type': JSON_TYPE, ...headers }, JSON.stringify(body));
}

/**
 * Answers `payload`. A request whose body was not read to its end (too large, or refused before
 * reading it) gets its answer written at once but ended only once the rest of the body has been
 * read and discarded: ending at once lets Node close the socket while the client still sends, and
 * a client that reads only after sending then meets a connection reset instead of the answer. The
 * request timeout bounds that wait: past it Node destroys the socket of a client that never stops.
 */
export function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  payload: string,
): void {
  const socket = request.socket;
  answering.add(socket);
  response.once('close', () => answering.delete(socket));
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
  if (request.complete) {
    response.end(payload);
    return;
  }
  response.write(payload);
  request.resume();
  finished(request, () => response.end());
}

/**
 * Reads the request body as UTF-8, at most {@link MAX_BODY_BYTES}. Rejects with an
 * {@link HttpError}: 413 `TOO_LARGE` (declared or counted; the rest is left for {@link send} to
 * discard), 400 `BAD_JSON` for bytes that are not UTF-8, 400 `INCOMPLETE_BODY` when the client
 * stops before the end.
 */
export function readBody(request: IncomingMessage): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, 'TOO_LARGE', `the request body exceeds ${MAX_BODY_BYTES} bytes`, {
      connection: 'close',
    });
  if (Number(request.headers['content-length']) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData).off('end', onEnd).off('error', onCut).off('close', onCut);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      stop();
      reject(tooLarge());
    };
    const onEnd = () => {
      stop();
      try {
        // A byte-order mark is kept, as before, so JSON.parse refuses it like any stray byte.
        resolve(UTF8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new HttpError(400, 'BAD_JSON', 'the request body is not UTF-8'));
      }
    };
    const onCut = () => {
      stop();
      reject(
        new HttpError(
          400,
          'INCOMPLETE_BODY',
          'the request body stopped before its declared length',
        ),
      );
    };
    request.on('data', onData).once('end', onEnd).once('error', onCut).once('close', onCut);
  });
}

/**
 * Answers on the bare socket, where Node hands over no response object (a CONNECT, a request Node's
 * parser refused), with the same JSON error shape, then closes it.
 */
function refuseOnSocket(
  socket: Duplex,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify({ error: { code, message } });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    `content-type: ${JSON_TYPE}`,
    `content-length: ${Buffer.byteLength(payload)}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${payload}`);
  (socket as Socket).destroySoon();
}

/** The answer to a request Node's parser refused, by the parser's error code. */
function clientErrorAnswer(code: string | undefined): [number, string, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'REQUEST_TIMEOUT', 'the request did not arrive in time'];
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return [431, 'HEADERS_TOO_LARGE', 'the request line and headers are too large'];
  }
  return [400, 'BAD_REQUEST', `the request is not valid HTTP/1.1 (${code ?? 'unknown'})`];
}

/**
 * Gives every answer that bypasses the request handler the API's JSON error shape: a CONNECT (405;
 * without a listener Node closes the socket without a word), a request Node's parser refuses
 * (malformed, headers too large, timed out: 400 / 431 / 408 where Node writes a bare status
 * line), an `Expect` other than `100-continue` (417). A request with an `Upgrade` header needs
 * nothing: without an 'upgrade' listener Node serves it as a plain request.
 */
export function guardEdge(server: Server): void {
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    refuseOnSocket(socket, 405, 'METHOD_NOT_ALLOWED', 'CONNECT is not served here', {
      allow: SERVED_METHODS,
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset socket cannot take an answer, and one already answering must not get a second.
    if (error.code === 'ECONNRESET' || !socket.writable || answering.has(socket)) {
      socket.destroy();
      return;
    }
    refuseOnSocket(socket, ...clientErrorAnswer(error.code));
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    sendJson(request, response, 417, {
      error: { code: 'EXPECTATION_FAILED', message: 'only "Expect: 100-continue" is served' },
    });
  });
}
