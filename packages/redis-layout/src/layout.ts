import { createHash } from 'node:crypto';
import { CorruptDataError, TURN_FIELDS, type TurnField } from '@context-storage/core';
import type { StoredItems } from '@context-storage/core/adapter';
import type { LuaScript, RedisReply } from './connection.js';

/**
 * The vocabulary of the Redis layout, in one place: a context is one hash at `<prefix>::<id>`
 * (see `RedisKeyspace`) holding these main fields and one field per turn item. The Lua scripts
 * are generated from these constants, and everything else (driver, tests, bench) uses them.
 */
export const MAIN_FIELD = Object.freeze({
  /** The version, incremented by every write. */
  version: 'version',
  /** `currentTurnId`. */
  turn: 'turn',
  /** `createdAt`, ms since epoch. */
  created: 'created',
  /** `updatedAt`, ms since epoch. */
  updated: 'updated',
  /** `expiresAt`, ms since epoch; absent when the context does not expire. */
  expires: 'expires',
  /** The encoded `misc`. */
  misc: 'misc',
  /** The encoded `frameworkData`. */
  framework: 'framework',
  /** The layout version the context was created in (`LAYOUT_VERSION`). */
  layout: 'layout',
} as const);

/** The main fields in the order LOAD_CONTEXT returns them. */
export const MAIN_FIELDS = [
  MAIN_FIELD.version,
  MAIN_FIELD.turn,
  MAIN_FIELD.created,
  MAIN_FIELD.updated,
  MAIN_FIELD.expires,
  MAIN_FIELD.misc,
  MAIN_FIELD.framework,
  MAIN_FIELD.layout,
] as const;

/** Hash field prefix of each turn field's items: `l:7` is the label of turn 7. */
export const ITEM_TAGS: Readonly<Record<TurnField, string>> = Object.freeze({
  labels: 'l',
  requests: 'q',
  responses: 'r',
});

/** The hash field of one turn item. */
export function itemField(field: TurnField, turnId: number): string {
  return `${ITEM_TAGS[field]}:${turnId}`;
}

const TAG_FIELDS = new Map(TURN_FIELDS.map((field) => [ITEM_TAGS[field], field]));

/** `l:7` -> labels, 7; a main field (or anything else) -> `undefined`. */
export function parseItemField(name: string): { field: TurnField; turnId: number } | undefined {
  const field = TAG_FIELDS.get(name.slice(0, 1));
  if (field === undefined || name[1] !== ':') return undefined;
  const turnId = Number(name.slice(2));
  return Number.isSafeInteger(turnId) && turnId >= 0 ? { field, turnId } : undefined;
}

/** A list of names as a Lua table constructor's items: `'a', 'b'` (names hold no quote). */
export function luaNames(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/** A script of the layout, with the SHA1 EVALSHA wants. */
export function luaScript(name: string, source: string): LuaScript {
  return { name, source, sha1: createHash('sha1').update(source).digest('hex') };
}

// Reading replies: the driver passes values through (core reports bad numbers as corrupt), but a
// reply of the wrong shape is damage to that context only.

const text = new TextDecoder();

/** The per-field maps of a load, empty. */
export function emptyItems(): Record<TurnField, StoredItems> {
  return { labels: new Map(), requests: new Map(), responses: new Map() };
}

/** @throws `CorruptDataError` for a reply that is not an array */
export function asArray(id: string, reply: RedisReply | undefined): RedisReply[] {
  if (!Array.isArray(reply)) {
    throw new CorruptDataError(id, 'main', `unexpected reply from Redis: ${describe(reply)}`);
  }
  return reply;
}

/** @throws `CorruptDataError` for a reply that is not a bulk string */
export function asBytes(id: string, part: string, reply: RedisReply): Uint8Array {
  if (!(reply instanceof Uint8Array)) {
    throw new CorruptDataError(id, part, `unexpected reply from Redis: ${describe(reply)}`);
  }
  return reply;
}

/** A bulk string (or integer) reply as text. */
export function bytesText(reply: RedisReply): string {
  return reply instanceof Uint8Array ? text.decode(reply) : String(reply);
}

function describe(reply: RedisReply | undefined): string {
  return reply === null ? 'nil' : Array.isArray(reply) ? 'an array' : typeof reply;
}
