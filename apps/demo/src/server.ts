import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type Context,
  type DBContextStorage,
  isContextStorageError,
  redactUri,
} from '@context-storage/core';
import { type BotReply, playTurn } from './flow.js';
import { CHAT_PAGE } from './page.js';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Longest message accepted, in characters. */
export const MAX_MESSAGE_CHARS = 2_000;
const USER_ID = /^[\w.:@-]{1,100}$/;

/** A refused request: its status and a clear message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the chat page's context panel shows. */
export interface ContextView {
  id: string;
  version: number;
  currentTurnId: number;
  misc: Record<string, unknown>;
  latestTurns: { turnId: number; label?: unknown; request?: unknown; response?: unknown }[];
  ttlLeftMs: number | null;
  backend: string;
}

function view(context: Context, backend: string): ContextView {
  return {
    id: context.id,
    version: context.version,
    currentTurnId: context.currentTurnId,
    misc: context.misc,
    latestTurns: context.latestTurns(5),
    ttlLeftMs: context.expiresAt === undefined ? null : Math.max(0, context.expiresAt - Date.now()),
    backend,
  };
}

/**
 * The demo's HTTP server: the chat page at `/`, and a JSON API: `POST /api/messages`
 * `{ userId, text }` plays one turn (a version-checked `update`, so two messages at once lose
 * nothing), `GET /api/contexts/:id` reads one, `DELETE /api/contexts/:id` deletes it,
 * `GET /api/contexts` counts them. Storage failures answer 503 with the error's code.
 */
export function createDemoServer(storage: DBContextStorage, uri: string): Server {
  const backend = redactUri(uri);
  const routes = async (request: IncomingMessage): Promise<[number, unknown]> => {
    const url = new URL(request.url ?? '/', 'http://demo');
    const contextId = /^\/api\/contexts\/([^/]+)$/.exec(url.pathname)?.[1];
    if (request.method === 'POST' && url.pathname === '/api/messages') {
      const { userId, text } = parseMessage(await readBody(request));
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
    if (request.method === 'GET' && url.pathname === '/api/contexts') {
      return [200, { count: await storage.len(), backend }];
    }
    if (contextId !== undefined) {
      const id = checkUserId(decodeURIComponent(contextId));
      if (request.method === 'GET') {
        const context = await storage.getItem(id, { latest: 5 });
        if (context === undefined) throw new HttpError(404, 'NOT_FOUND', `no context for ${id}`);
        return [200, { context: view(context, backend) }];
      }
      if (request.method === 'DELETE') return [200, { deleted: await storage.delItem(id) }];
    }
    throw new HttpError(404, 'NOT_FOUND', `no route for ${request.method} ${url.pathname}`);
  };

  return createServer((request, response) => {
    if (request.method === 'GET' && (request.url === '/' || request.url === '/index.html')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(CHAT_PAGE);
      return;
    }
    routes(request).then(
      ([status, body]) => send(response, status, body),
      (error: unknown) => {
        if (error instanceof HttpError) {
          send(response, error.status, { error: { code: error.code, message: error.message } });
        } else if (isContextStorageError(error)) {
          // The backend is down or refused: the process stays up and answers again once it returns.
          const status = error.code === 'CONNECTION' || error.code === 'CONFLICT' ? 503 : 500;
          send(response, status, { error: { code: error.code, message: error.message } });
        } else {
          send(response, 500, { error: { code: 'INTERNAL', message: 'unexpected error' } });
        }
      },
    );
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, 'TOO_LARGE', `the request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
