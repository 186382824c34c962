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
  /**
   * CPU time of the Redis process per turn, µs (`used_cpu_sys + used_cpu_user` delta): command
   * execution plus reading, parsing and writing on the sockets. Absent in older results.
   */
  cpuMicros?: number;
  /** Calls per turn of each command, from `INFO commandstats` (lowercase names). */
  commands: Record<string, number>;
}

/** What the server counted over some turns: the totals a {@link TurnTraffic} divides. */
export interface RedisCounters {
  /** CPU time of the Redis process, µs (both threads' user and system time). */
  cpuMicros: number;
  bytesIn: number;
  bytesOut: number;
  /** Per command (lowercase, as INFO commandstats names it): calls and µs. */
  commands: Record<string, { calls: number; usec: number }>;
}

/** Commands that run a script: the commands counted besides them ran inside it. */
export const SCRIPT_CALLS: ReadonlySet<string> = new Set([
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'fcall',
]);

/** Counters with nothing counted yet. */
export function emptyCounters(): RedisCounters {
  return { cpuMicros: 0, bytesIn: 0, bytesOut: 0, commands: {} };
}

/** A numeric field of INFO text (`name:value` lines), 0 when absent. */
function infoField(info: string, name: string): number {
  return Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
}

/**
 * The CPU time of the Redis process in an `INFO cpu` text, µs: `used_cpu_sys + used_cpu_user`
 * (seconds with 6 decimals, so rounded to whole µs).
 */
export function parseCpuMicros(info: string): number {
  return Math.round((infoField(info, 'used_cpu_sys') + infoField(info, 'used_cpu_user')) * 1e6);
}

/**
 * The counters of `INFO stats commandstats` text taken after a `CONFIG RESETSTAT`, less the bytes
 * of the measurement itself (`own`), with `cpuMicros` given (a delta of two {@link parseCpuMicros}).
 * INFO and CONFIG calls are the measurement's, so they are left out.
 */
export function parseCounters(
  info: string,
  cpuMicros: number,
  own: { bytesIn: number; bytesOut: number },
): RedisCounters {
  const commands: RedisCounters['commands'] = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    const name = match[1]!;
    if (name === 'info' || name.startsWith('config')) continue;
    commands[name] = { calls: Number(match[2]), usec: Number(match[3]) };
  }
  return {
    cpuMicros,
    bytesIn: infoField(info, 'total_net_input_bytes') - own.bytesIn,
    bytesOut: infoField(info, 'total_net_output_bytes') - own.bytesOut,
    commands,
  };
}

/** The sum of two counters (windows of the same cell measured in different rounds). */
export function addCounters(a: RedisCounters, b: RedisCounters): RedisCounters {
  const commands: RedisCounters['commands'] = {};
  for (const from of [a.commands, b.commands]) {
    for (const [name, { calls, usec }] of Object.entries(from)) {
      const sum = commands[name] ?? { calls: 0, usec: 0 };
      commands[name] = { calls: sum.calls + calls, usec: sum.usec + usec };
    }
  }
  return {
    cpuMicros: a.cpuMicros + b.cpuMicros,
    bytesIn: a.bytesIn + b.bytesIn,
    bytesOut: a.bytesOut + b.bytesOut,
    commands,
  };
}

/** Counters of `loads` loads run alone: what a turn's load sends outside any script. */
export interface LoadsAlone {
  counters: RedisCounters;
  loads: number;
}

/**
 * Per-turn traffic from counters of `turns` turns. When script calls were counted, the other
 * commands ran inside the scripts (their time is already in the scripts'), except those a load
 * sends by itself: with `alone`, the plain commands (no script) of loads timed alone, one load
 * per turn, count as sent by the client, with their calls and µs per load, and are taken off the
 * commands inside scripts (INFO commandstats does not tell a plain HMGET from one inside a script).
 *
 * @throws `RangeError` when `turns` is not a positive number
 */
export function perTurnTraffic(
  counters: RedisCounters,
  turns: number,
  alone?: LoadsAlone,
): TurnTraffic {
  if (!(turns > 0)) throw new RangeError(`traffic per turn of ${turns} turns`);
  const entries = Object.entries(counters.commands);
  const scripted = entries.some(([name]) => SCRIPT_CALLS.has(name));
  const fromClient = (name: string) => !scripted || SCRIPT_CALLS.has(name);
  const sum = (keep: (name: string) => boolean, of: 'calls' | 'usec') =>
    entries.filter(([name]) => keep(name)).reduce((total, [, stat]) => total + stat[of], 0) / turns;
  const inLua = (name: string) => !fromClient(name);
  // The plain commands of one load alone (none when the load itself is a script call).
  const plain = { calls: 0, usec: 0 };
  if (scripted && alone !== undefined && alone.loads > 0) {
    for (const [name, stat] of Object.entries(alone.counters.commands)) {
      if (SCRIPT_CALLS.has(name) || !(name in counters.commands)) continue;
      plain.calls += stat.calls / alone.loads;
      plain.usec += stat.usec / alone.loads;
    }
  }
  return {
    turns,
    clientCommands: sum(fromClient, 'calls') + plain.calls,
    luaCommands: Math.max(0, sum(inLua, 'calls') - plain.calls),
    bytesIn: counters.bytesIn / turns,
    bytesOut: counters.bytesOut / turns,
    serverMicros: sum(fromClient, 'usec') + plain.usec,
    luaCommandMicros: Math.max(0, sum(inLua, 'usec') - plain.usec),
    cpuMicros: counters.cpuMicros / turns,
    commands: Object.fromEntries(entries.map(([name, stat]) => [name, stat.calls / turns])),
  };
}
