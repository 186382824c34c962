import { type ContextStorageErrorOptions, PermissionError } from '@context-storage/core';
import type { CallBound } from '@context-storage/core/adapter';
import { SCRIPTS } from './scripts.js';

/**
 * The Redis user may not run a command the storage needs, or may not touch its keys (a `NOPERM`
 * reply, or a script's call refused by the ACL): core's `PermissionError` (code `PERMISSION`),
 * with {@link RedisPermissionError.command}. The fix is an ACL rule, not a retry.
 */
export class RedisPermissionError extends PermissionError {
  /**
   * The command refused, in ACL spelling (`evalsha`, `client|setname`, `type`), to grant with
   * `+<command>`; `undefined` when the keys were refused (grant `~<prefix>::*`).
   */
  readonly command: string | undefined;

  /**
   * @param message - what failed, naming what to grant
   * @param command - the command refused, if it was a command
   * @param options - `cause`: the client's error
   */
  constructor(message: string, command: string | undefined, options?: ContextStorageErrorOptions) {
    super(message, command === undefined ? undefined : `+${command}`, options);
    this.command = command;
  }
}

/**
 * The commands a storage needs on db 0 without a connection name (plus its keys, `~<prefix>::*`):
 * the least-privilege ACL of the layout, each needed by some method (the ACL tests take each away
 * in turn). Add `select` for another db, `client|setname` with `?name=`, and on a cluster
 * `cluster|slots` and `cluster|nodes` (plus `cluster|info` for ioredis).
 */
export const LEAST_PRIVILEGE_COMMANDS = Object.freeze([
  'eval',
  'evalsha',
  'type',
  'hmget',
  'hgetall',
  'hkeys',
  'hset',
  'hdel',
  'del',
  'pexpire',
  'persist',
  'exists',
  'unlink',
  'scan',
] as const);

/** What the ACL refused, read from a reply's message; `undefined` when it is no ACL refusal. */
export interface AclRefusal {
  /** The command refused, in ACL spelling; `undefined` for keys. */
  command: string | undefined;
  /** For a message: what was refused and what to grant. */
  text: string;
}

/**
 * Reads an ACL refusal from a server reply: `NOPERM ... to run the 'x' command`, `NOPERM ...
 * access one of the keys`, or, from inside a script, Redis's `The user executing the script can't
 * run this command ... @user_script:<line>`, where the command is found on that line of the
 * layout's script. Cost: a few regular expressions.
 */
export function aclRefusal(error: unknown): AclRefusal | undefined {
  // A client's error may carry the server's: as `cause`, or as ioredis's `lastNodeError` (the
  // error of a cluster's first connection).
  for (let depth = 0, inner: unknown = error; depth < 4; depth += 1) {
    const refusal = ownRefusal(inner);
    if (refusal !== undefined || !(inner instanceof Error)) return refusal;
    inner = (inner as { lastNodeError?: unknown }).lastNodeError ?? inner.cause;
  }
  return undefined;
}

function ownRefusal(error: unknown): AclRefusal | undefined {
  const message = error instanceof Error ? error.message : '';
  const command =
    /^NOPERM .* run the '([^']+)' command/.exec(message)?.[1] ??
    (/can't run this command or subcommand/.test(message) ? scriptCommand(message) : undefined);
  if (command !== undefined) {
    return {
      command,
      text: `the Redis user may not run ${command.replace('|', ' ').toUpperCase()} (NOPERM): grant it with +${command}`,
    };
  }
  if (/^NOPERM .*keys|can't access at least one of the keys/.test(message)) {
    return {
      command: undefined,
      text: "the Redis user may not access the storage's keys (NOPERM): grant ~<prefix>::*",
    };
  }
  if (/^NOPERM|script can't run/.test(message)) {
    return { command: undefined, text: `the Redis user lacks a permission: ${message}` };
  }
  return undefined;
}

/** The command on the line of the layout's script that a script error names. */
function scriptCommand(message: string): string | undefined {
  const sha = /script: ([0-9a-f]{40})/.exec(message)?.[1];
  const line = Number(/@user_script:(\d+)/.exec(message)?.[1]);
  const source = SCRIPTS.find((script) => script.sha1 === sha)?.source;
  if (source === undefined || !Number.isInteger(line)) return undefined;
  const code = source.split('\n')[line - 1] ?? '';
  return /redis\.p?call\('([A-Za-z]+)'/.exec(code)?.[1]?.toLowerCase();
}

/**
 * `RedisPermissionError` for an ACL refusal (see {@link aclRefusal}), the message starting with
 * `context` (`cannot connect to redis://...`); `undefined` for any other failure.
 */
export function permissionError(context: string, error: unknown): RedisPermissionError | undefined {
  const refusal = aclRefusal(error);
  if (refusal === undefined) return undefined;
  return new RedisPermissionError(`${context}: ${refusal.text}`, refusal.command, { cause: error });
}

/**
 * How a binding bounds its calls: the deadline of {@link boundedCall} (with `slackMs` for a
 * client whose own timeout should fire first), an ACL refusal read as a `RedisPermissionError`.
 */
export function redisCallBound(description: string, timeoutMs: number, slackMs = 0): CallBound {
  return {
    description,
    timeoutMs,
    slackMs,
    refusal: (error, what) => permissionError(`${description} refused ${what}`, error),
  };
}
