import { asBuffer, type RedisCall, type RedisReply } from './connection.js';

/** A command line as the clients send it: the command, then its arguments. */
export type CommandLine = (string | Buffer)[];

/**
 * The command line that runs a call: `EVALSHA <sha1> 1 <key> ...args` for a script (see
 * {@link evalLine} for the fallback, {@link ScriptsSent} for the first call), `<COMMAND> <key>
 * ...args` otherwise. Bytes stay bytes.
 */
export function callLine(call: RedisCall): CommandLine {
  if (call.kind === 'command') return [call.command, call.key, ...call.args];
  return ['EVALSHA', call.script.sha1, '1', call.key, ...call.args.map(asBuffer)];
}

/**
 * Which scripts were sent on which connection (a client, a cluster node), so that a script's
 * first call on a connection is an EVAL, which also loads it, and later ones EVALSHA: one
 * command per call from the very first, as ioredis's own scripts do. Calls on one connection run
 * in order, so the EVALSHAs of a batch after its first EVAL find the script. A NOSCRIPT reply (a
 * restarted server, SCRIPT FLUSH, a cluster node reached through another connection) forgets it,
 * and {@link ScriptsSent.retryUnknown} sends that call again as EVAL.
 */
export class ScriptsSent {
  readonly #sent = new WeakMap<object, Set<string>>();

  /** The command line of `call` on `connection`; its script counts as sent from now on. */
  line(connection: object, call: RedisCall): CommandLine {
    if (call.kind === 'command') return callLine(call);
    let sent = this.#sent.get(connection);
    if (sent === undefined) {
      sent = new Set();
      this.#sent.set(connection, sent);
    }
    if (sent.has(call.script.sha1)) return callLine(call);
    sent.add(call.script.sha1);
    return evalLine(call);
  }

  /**
   * Sends again, as EVAL, the calls whose first replies on `connection` said NOSCRIPT: one more
   * round trip, for a server that lost the script (a restart, SCRIPT FLUSH) or a cluster node
   * reached through another connection. `send` sends one call (through {@link line}) and
   * resolves its reply, a refusal as an `Error` reply; other replies are kept.
   */
  async retryUnknown(
    connection: object,
    calls: readonly RedisCall[],
    replies: RedisReply[],
    send: (call: RedisCall) => Promise<RedisReply>,
  ): Promise<RedisReply[]> {
    await Promise.all(
      replies.map(async (reply, index) => {
        const call = calls[index]!;
        if (call.kind !== 'script' || !isNoScript(reply)) return;
        this.#sent.get(connection)?.delete(call.script.sha1);
        replies[index] = await send(call);
      }),
    );
    return replies;
  }
}

/** The same script call with EVAL and the source, for a server that answered NOSCRIPT. */
export function evalLine(call: RedisCall & { kind: 'script' }): CommandLine {
  return ['EVAL', call.script.source, '1', call.key, ...call.args.map(asBuffer)];
}

/** True for the server's answer to an EVALSHA of a script it does not know (yet). */
export function isNoScript(reply: unknown): reply is Error {
  return reply instanceof Error && reply.message.startsWith('NOSCRIPT');
}

/** The command line of one SCAN page. */
export function scanLine(cursor: string, match: string, count: number): [string, ...string[]] {
  return ['SCAN', cursor, 'MATCH', match, 'COUNT', String(count)];
}

/** A SCAN reply as `[next cursor, keys]`, keys as text. */
export function parseScanReply(reply: unknown): [string, string[]] {
  const [next, keys] = reply as [unknown, unknown[]];
  return [String(next), keys.map(String)];
}

/** Replies meaning a call did not run on this node and must go elsewhere, or again. */
export const REDIRECTION = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

/** How {@link sendAcrossMasters} reaches a cluster's masters. */
export interface MasterRouting<Master> {
  /** The master serving a slot, as the client knows it; `undefined` before it read the map. */
  masterOf(slot: number): Master | undefined;
  /** Sends calls in one pipeline on one master's connection (refusals as `Error` replies). */
  sendOn(master: Master, calls: readonly RedisCall[]): Promise<RedisReply[]>;
  /** Sends one call through the cluster client, which routes and follows redirections itself. */
  sendRouted(call: RedisCall): Promise<RedisReply>;
}

/**
 * Sends calls on a cluster: one pipeline per master, in parallel, each call on the master that
 * serves its key's slot (`slotOf`, Redis's own: {@link keySlot}). A call answered with a
 * redirection there (MOVED or ASK: the slot moved or is moving; TRYAGAIN, CLUSTERDOWN) did not
 * run and is sent again through the cluster client. Costs one round trip, one more for each
 * redirected call. Resolves the replies in order and whether any said MOVED (the client's slot
 * map is stale).
 */
export async function sendAcrossMasters<Master>(
  calls: readonly RedisCall[],
  slotOf: (key: string) => number,
  routing: MasterRouting<Master>,
): Promise<{ replies: RedisReply[]; moved: boolean }> {
  const groups = new Map<Master | undefined, number[]>();
  calls.forEach((call, index) => {
    const master = routing.masterOf(slotOf(call.key));
    const group = groups.get(master);
    if (group === undefined) groups.set(master, [index]);
    else group.push(index);
  });
  const replies: RedisReply[] = new Array(calls.length);
  let moved = false;
  await Promise.all(
    [...groups].map(async ([master, indexes]) => {
      const group = indexes.map((index) => calls[index]!);
      const first =
        master === undefined
          ? await Promise.all(group.map((call) => routing.sendRouted(call)))
          : await routing.sendOn(master, group);
      await Promise.all(
        indexes.map(async (callIndex, position) => {
          const reply = first[position]!;
          if (reply instanceof Error && REDIRECTION.test(reply.message)) {
            moved ||= reply.message.startsWith('MOVED');
            replies[callIndex] = await routing.sendRouted(calls[callIndex]!);
          } else {
            replies[callIndex] = reply;
          }
        }),
      );
    }),
  );
  return { replies, moved };
}
