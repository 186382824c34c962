import type { RedisServer } from '@context-storage/redis-test-servers';

/** Redis traffic of one turn, averaged over the turns counted. */
export interface TurnTraffic {
  /** Turns counted. */
  turns: number;
  /** Commands the client sent per turn (for a script, the EVAL / EVALSHA call only). */
  clientCommands: number;
  /** Commands run inside Lua scripts per turn (HMGET, HSET... of the layout's scripts). */
  luaCommands: number;
  /** Bytes the server received per turn (`total_net_input_bytes`). */
  bytesIn: number;
  /** Bytes the server sent per turn (`total_net_output_bytes`). */
  bytesOut: number;
  /** µs the server spent executing the client's commands per turn (scripts included). */
  serverMicros: number;
  /**
   * Of `serverMicros`, the µs of the commands run inside Lua scripts: the rest of a script's time
   * is the interpreter's (arguments and replies copied into Lua strings and back).
   */
  luaCommandMicros: number;
  /** Calls per turn of each command, from `INFO commandstats` (lowercase names). */
  commands: Record<string, number>;
}

/** Commands that run a script: the commands counted besides them ran inside it. */
export const SCRIPT_CALLS: ReadonlySet<string> = new Set([
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'fcall',
]);
const INFO_COMMAND = ['INFO', 'stats', 'commandstats'];

/** The RESP length of a command as a client sends it. */
function respLength(args: readonly string[]): number {
  let length = `*${args.length}\r\n`.length;
  for (const arg of args)
    length += `$${Buffer.byteLength(arg)}\r\n`.length + Buffer.byteLength(arg) + 2;
  return length;
}

/**
 * Counts what the turns `block` runs cost the server: `CONFIG RESETSTAT` before, `INFO stats
 * commandstats` after, both on a connection of their own, their own bytes and calls taken out.
 * `block` resolves how many turns it ran. `INFO commandstats` counts the commands a script runs
 * inside Redis too: a turn of a Redis adapter shows as 2 EVALSHA sent by the client plus the
 * HMGET, HSET... they ran. Nothing else may use the server meanwhile.
 */
export async function countTraffic(
  server: RedisServer,
  block: () => Promise<number>,
): Promise<TurnTraffic> {
  await server.command(['CONFIG', 'RESETSTAT']);
  const turns = await block();
  const info = String(await server.command(INFO_COMMAND));
  return parseTraffic(info, turns, {
    bytesIn: respLength(INFO_COMMAND),
    bytesOut: '+OK\r\n'.length,
  });
}

/**
 * Per-turn traffic from the text of `INFO stats commandstats` taken `turns` turns after a
 * `CONFIG RESETSTAT`, less the bytes of the measurement itself. A delta holding script calls
 * counts only those as sent by the client; the other commands then ran inside the scripts.
 */
export function parseTraffic(
  info: string,
  turns: number,
  own: { bytesIn: number; bytesOut: number },
): TurnTraffic {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  const commands: Record<string, number> = {};
  const micros: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    const name = match[1]!;
    if (name === 'info' || name.startsWith('config')) continue;
    commands[name] = Number(match[2]) / turns;
    micros[name] = Number(match[3]) / turns;
  }
  const names = Object.keys(commands);
  const scripted = names.some((name) => SCRIPT_CALLS.has(name));
  const fromClient = (name: string) => !scripted || SCRIPT_CALLS.has(name);
  const sum = (of: Record<string, number>, keep: (name: string) => boolean) =>
    names.filter(keep).reduce((total, name) => total + of[name]!, 0);
  return {
    turns,
    clientCommands: sum(commands, fromClient),
    luaCommands: sum(commands, (name) => !fromClient(name)),
    // A script's time includes the commands it ran.
    serverMicros: sum(micros, fromClient),
    luaCommandMicros: sum(micros, (name) => !fromClient(name)),
    bytesIn: (field('total_net_input_bytes') - own.bytesIn) / turns,
    bytesOut: (field('total_net_output_bytes') - own.bytesOut) / turns,
    commands,
  };
}
