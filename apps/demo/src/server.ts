import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type DBContextStorage, isContextStorageError, redactUri } from '@context-storage/core';
import { view, viewTurns } from './context-view.js';
import { type BotReply, isRestart, playTurn, RESTART_REPLY } from './flow.js';
import { probeHealth } from './health.js';
import {
  checkHost,
  type DemoServerOptions,
  guardEdge,
  HttpError,
  readBody,
  send,
  sendJson,
  serverOptions,
} from './http-edge.js';
import { CHAT_PAGE } from './page.js';

export {
  type ContextView,
  DEFAULT_VIEW_TURNS,
  MAX_VIEW_TURNS,
} from './context-view.js';
export {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type DemoServerOptions,
  MAX_BODY_BYTES,
} from './http-edge.js';

/** Longest message accepted, in characters. */
export const MAX_MESSAGE_CHARS = 2_000;
const USER_ID = /^[\w.:@-]{1,100}$/;
const JSON_BODY = /^application\/json\s*(;|$)/i;

/** What a route answers: the chat page, or a status and its JSON body. */
type Answer = 'page' | [status: number, body: unknown];

/**
 * The demo's HTTP server: the chat page at `/`, and a JSON API: `POST /api/messages`
 * `{ userId, text }` plays one turn (a version-checked `update`, so two messages at once lose
 * nothing; `restart` deletes the stored context instead and answers `context: null`),
 * `GET /api/contexts/:id[?turns=N]` reads one with its latest N turns (default 5, at most 100),
 * `DELETE /api/contexts/:id` deletes it, `GET /api/contexts` counts them, `GET /healthz` probes
 * the storage (200 when it answers, 503 when not; one `contains` bounded to 1 s). Every refusal
 * is a 4xx `{ error: { code, message } }` (400 bad input, 404 unknown path, 405 wrong method, 408
 * a client slower than `options` allow, 413 too large, 415 a body that is not JSON); storage
 * failures answer 503 with the error's code.
 * Throws `RangeError` when `options.headersTimeoutMs` exceeds `options.requestTimeoutMs`.
 */
export function createDemoServer(
  storage: DBContextStorage,
  uri: string,
  options: DemoServerOptions = {},
): Server {
  const backend = redactUri(uri);
  const routes = async (request: IncomingMessage): Promise<Answer> => {
    checkHost(request);
    const method = request.method ?? '';
    const { path, query } = requestTarget(request.url ?? '/');
    if (path === '/' || path === '/index.html') {
      allow(method, path, ['GET', 'HEAD']);
      return 'page';
    }
    if (path === '/healthz') {
      allow(method, path, ['GET', 'HEAD']);
      const health = await probeHealth(storage, backend);
      return [health.status === 'ok' ? 200 : 503, health];
    }
    if (path === '/api/messages') {
      allow(method, path, ['POST']);
      if (!JSON_BODY.test(request.headers['content-type'] ?? '')) {
        throw new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          '"content-type" must be application/json',
        );
      }
      const { userId, text } = parseMessage(await readBody(request));
      if (isRestart(text)) {
        // A fresh dialog is no stored context at all: the next message creates one at version 1,
        // turn 1, with a new creation time, so a writer still holding the old dialog conflicts.
        await storage.delItem(userId);
        return [200, { reply: RESTART_REPLY, context: null }];
      }
      let reply: BotReply | undefined;
      const context = await storage.update(
        userId,
        (live) => {
          reply = playTurn(live, text);
        },
        { latest: 6 },
      );
      return [200, { reply, context: view(context, backend) }];
    }
    if (path === '/api/contexts') {
      allow(method, path, ['GET', 'HEAD']);
      return [200, { count: await storage.len(), backend }];
    }
    const contextId = /^\/api\/contexts\/([^/]+)$/.exec(path)?.[1];
    if (contextId !== undefined) {
      allow(method, path, ['GET', 'HEAD', 'DELETE']);
      const id = checkUserId(decodeSegment(contextId));
      if (method === 'DELETE') return [200, { deleted: await storage.delItem(id) }];
      const turns = viewTurns(query);
      const context = await storage.getItem(id, { latest: turns });
      if (context === undefined) throw new HttpError(404, 'NOT_FOUND', `no context for ${id}`);
      return [200, { context: view(context, backend, turns) }];
    }
    throw new HttpError(404, 'NOT_FOUND', `no route for ${method} ${path}`);
  };

  const server = createServer(serverOptions(options), (request, response) => {
    routes(request).then(
      (answer) => {
        if (answer === 'page') {
          send(request, response, 200, { 'content-type': 'text/html; charset=utf-8' }, CHAT_PAGE);
        } else {
          sendJson(request, response, ...answer);
        }
      },
      (error: unknown) => {
        if (error instanceof HttpError) {
          const body = { error: { code: error.code, message: error.message } };
          sendJson(request, response, error.status, body, error.headers);
        } else if (isContextStorageError(error)) {
          // The backend is down or refused: the process stays up and answers again once it returns.
          const status = error.code === 'CONNECTION' || error.code === 'CONFLICT' ? 503 : 500;
          const body = { error: { code: error.code, message: error.message } };
          sendJson(request, response, status, body);
        } else {
          sendJson(request, response, 500, {
            error: { code: 'INTERNAL', message: 'unexpected error' },
          });
        }
      },
    );
  });
  guardEdge(server);
  return server;
}

/**
 * The path and query of a request target. An origin-form target (`/a/b?q`) is taken as sent:
 * `//x` stays a path (a URL parser would read `x` as a host) and `..` is not resolved. An
 * absolute-form target (`http://host/a?q`) keeps its path and query; `OPTIONS *` keeps `*`.
 */
function requestTarget(target: string): { path: string; query: URLSearchParams } {
  if (target.startsWith('/')) {
    const mark = target.indexOf('?');
    if (mark < 0) return { path: target, query: new URLSearchParams() };
    return { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
  }
  if (target === '*') return { path: target, query: new URLSearchParams() };
  try {
    const url = new URL(target);
    return { path: url.pathname, query: url.searchParams };
  } catch {
    throw new HttpError(400, 'BAD_PATH', 'the request target is neither a path nor a URL');
  }
}

/** A percent-decoded path segment; a malformed escape (`%`, `%ZZ`, `%FF`) is a 400, not a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'BAD_PATH', 'the path holds a malformed percent-escape');
  }
}

function allow(method: string, path: string, methods: string[]): void {
  if (!methods.includes(method)) {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not served on ${path}`, {
      allow: methods.join(', '),
    });
  }
}

function parseMessage(body: string): { userId: string; text: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpError(
      400,
      'BAD_JSON',
      'the body must be JSON: { "userId": "...", "text": "..." }',
    );
  }
  const { userId, text } = (parsed ?? {}) as { userId?: unknown; text?: unknown };
  if (typeof text !== 'string' || text.trim() === '') {
    throw new HttpError(400, 'MISSING_FIELD', '"text" must be a non-empty string');
  }
  if (text.length > MAX_MESSAGE_CHARS) {
    throw new HttpError(413, 'TOO_LARGE', `"text" exceeds ${MAX_MESSAGE_CHARS} characters`);
  }
  return { userId: checkUserId(userId), text };
}

function checkUserId(userId: unknown): string {
  if (typeof userId !== 'string' || !USER_ID.test(userId)) {
    throw new HttpError(
      400,
      'MISSING_FIELD',
      '"userId" must be 1-100 letters, digits or . : @ - _',
    );
  }
  return userId;
}
