import { describe, expect, it } from 'vitest';
import {
  addCounters,
  emptyCounters,
  parseCounters,
  parseCpuMicros,
  perTurnTraffic,
} from '../src/traffic.js';

const INFO_AFTER = [
  '# Stats',
  'total_net_input_bytes:2040',
  'total_net_output_bytes:4005',
  '# CPU',
  'used_cpu_sys:1.250000',
  'used_cpu_user:2.000125',
  'used_cpu_sys_children:0.000000',
  'used_cpu_sys_main_thread:1.200000',
  '# Commandstats',
  'cmdstat_evalsha:calls=4,usec=200,usec_per_call=50.00,rejected_calls=0,failed_calls=0',
  'cmdstat_hmget:calls=8,usec=16,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
  'cmdstat_hset:calls=4,usec=8,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
  'cmdstat_info:calls=1,usec=30,usec_per_call=30.00,rejected_calls=0,failed_calls=0',
  'cmdstat_config|resetstat:calls=1,usec=3,usec_per_call=3.00,rejected_calls=0,failed_calls=0',
].join('\r\n');

describe('parseCpuMicros', () => {
  it('adds used_cpu_sys and used_cpu_user in µs, not the children nor the main-thread lines', () => {
    expect(parseCpuMicros(INFO_AFTER)).toBe(3_250_125);
    expect(parseCpuMicros('used_cpu_sys:0.004642\r\nused_cpu_user:0.009285\r\n')).toBe(13_927);
  });
});

describe('parseCounters', () => {
  it('keeps the turns’ commands and bytes, less the measurement’s own', () => {
    expect(parseCounters(INFO_AFTER, 120, { bytesIn: 40, bytesOut: 5 })).toEqual({
      cpuMicros: 120,
      bytesIn: 2000,
      bytesOut: 4000,
      commands: {
        evalsha: { calls: 4, usec: 200 },
        hmget: { calls: 8, usec: 16 },
        hset: { calls: 4, usec: 8 },
      },
    });
  });
});

describe('perTurnTraffic', () => {
  it('counts client commands apart from the commands scripts ran, per turn', () => {
    const counters = parseCounters(INFO_AFTER, 120, { bytesIn: 40, bytesOut: 5 });
    expect(perTurnTraffic(counters, 2)).toEqual({
      turns: 2,
      clientCommands: 2,
      luaCommands: 6,
      bytesIn: 1000,
      bytesOut: 2000,
      // A script's time includes the commands it ran: they are not added again.
      serverMicros: 100,
      luaCommandMicros: 12,
      cpuMicros: 60,
      commands: { evalsha: 2, hmget: 4, hset: 2 },
    });
  });

  it('counts the plain commands of a load timed alone as the client’s, off the scripts’', () => {
    const counters = parseCounters(INFO_AFTER, 120, { bytesIn: 40, bytesOut: 5 });
    // 4 loads alone: one plain HMGET each, 1.5 µs each.
    const alone = parseCounters('cmdstat_hmget:calls=4,usec=6,x\r\n', 0, {
      bytesIn: 0,
      bytesOut: 0,
    });
    expect(perTurnTraffic(counters, 2, { counters: alone, loads: 4 })).toMatchObject({
      clientCommands: 3,
      luaCommands: 5,
      serverMicros: 101.5,
      luaCommandMicros: 10.5,
    });
  });

  it('counts every command as the client’s when no script ran', () => {
    const info = 'cmdstat_get:calls=2,usec=2,x\r\ncmdstat_set:calls=2,usec=4,x\r\n';
    expect(perTurnTraffic(parseCounters(info, 10, { bytesIn: 0, bytesOut: 0 }), 2)).toMatchObject({
      clientCommands: 2,
      luaCommands: 0,
      serverMicros: 3,
      luaCommandMicros: 0,
      cpuMicros: 5,
    });
  });

  it('refuses zero turns', () => {
    expect(() => perTurnTraffic(emptyCounters(), 0)).toThrow(RangeError);
  });
});

describe('addCounters', () => {
  it('sums the windows of several rounds, command by command', () => {
    const one = parseCounters('cmdstat_get:calls=3,usec=6,x\r\ntotal_net_input_bytes:100\r\n', 30, {
      bytesIn: 0,
      bytesOut: 0,
    });
    const two = parseCounters(
      'cmdstat_get:calls=1,usec=4,x\r\ncmdstat_set:calls=4,usec=8,x\r\ntotal_net_output_bytes:50\r\n',
      10,
      { bytesIn: 0, bytesOut: 0 },
    );
    const sum = addCounters(addCounters(emptyCounters(), one), two);
    expect(sum).toEqual({
      cpuMicros: 40,
      bytesIn: 100,
      bytesOut: 50,
      commands: { get: { calls: 4, usec: 10 }, set: { calls: 4, usec: 8 } },
    });
    // Per turn over the 4 turns of both windows: 10 µs of CPU, 4.5 µs of commands.
    expect(perTurnTraffic(sum, 4)).toMatchObject({ cpuMicros: 10, serverMicros: 4.5 });
  });
});
