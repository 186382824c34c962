import type { Context } from '@context-storage/core';
import { HttpError } from './http-edge.js';

/** Turns a context view carries unless `?turns=` asks for another number. */
export const DEFAULT_VIEW_TURNS = 5;
/** Most turns `?turns=` may ask for: the page draws its transcript from that many. */
export const MAX_VIEW_TURNS = 100;

/** What the API answers of a stored context, and what the chat page draws from. */
export interface ContextView {
  id: string;
  version: number;
  currentTurnId: number;
  /** ms since epoch; a new value under the same id means a new dialog (after `restart`). */
  createdAt: number;
  misc: Record<string, unknown>;
  latestTurns: { turnId: number; label?: unknown; request?: unknown; response?: unknown }[];
  ttlLeftMs: number | null;
  backend: string;
}

/** The view of a loaded context with its latest `turns` turns (what was loaded of them). */
export function view(context: Context, backend: string, turns = DEFAULT_VIEW_TURNS): ContextView {
  return {
    id: context.id,
    version: context.version,
    currentTurnId: context.currentTurnId,
    createdAt: context.createdAt,
    misc: context.misc,
    latestTurns: context.latestTurns(turns),
    ttlLeftMs: context.expiresAt === undefined ? null : Math.max(0, context.expiresAt - Date.now()),
    backend,
  };
}

/**
 * The `turns` of a context read: an integer from 1 to {@link MAX_VIEW_TURNS}; other keys are
 * ignored. Throws {@link HttpError} 400 `BAD_QUERY` for anything else.
 */
export function viewTurns(query: URLSearchParams): number {
  const asked = query.get('turns');
  if (asked === null) return DEFAULT_VIEW_TURNS;
  const turns = /^\d{1,3}$/.test(asked) ? Number(asked) : Number.NaN;
  if (!(turns >= 1 && turns <= MAX_VIEW_TURNS)) {
    throw new HttpError(400, 'BAD_QUERY', `"turns" must be an integer from 1 to ${MAX_VIEW_TURNS}`);
  }
  return turns;
}
