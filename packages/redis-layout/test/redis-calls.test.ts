import { describe, expect, it } from 'vitest';
import {
  callLine,
  LOAD_CONTEXT,
  type RedisCall,
  type RedisReply,
  ScriptsSent,
  sendAcrossMasters,
} from '../src/index.js';

const script: RedisCall = { kind: 'script', script: LOAD_CONTEXT, key: 'k', args: ['3'] };
const command: RedisCall = { kind: 'command', command: 'EXISTS', key: 'k', args: [] };

describe('ScriptsSent', () => {
  it("sends a script's first call on a connection as EVAL, later ones as EVALSHA", () => {
    const sent = new ScriptsSent();
    const a = {};
    const b = {};
    expect(sent.line(a, script)[0]).toBe('EVAL');
    expect(sent.line(a, script)[0]).toBe('EVALSHA');
    expect(sent.line(b, script)[0], 'each connection loads it once').toBe('EVAL');
    expect(sent.line(a, command)).toEqual(callLine(command));
  });

  it('sends a call answered NOSCRIPT again as EVAL, and only that call', async () => {
    const sent = new ScriptsSent();
    const connection = {};
    sent.line(connection, script);
    const resent: string[] = [];
    const replies: RedisReply[] = [new Error('NOSCRIPT No matching script'), 1];
    const out = await sent.retryUnknown(connection, [script, command], replies, async (call) => {
      resent.push(String(sent.line(connection, call)[0]));
      return 'again' as unknown as RedisReply;
    });
    expect(resent).toEqual(['EVAL']);
    expect(out).toEqual(['again', 1]);
  });
});

describe('sendAcrossMasters', () => {
  it('groups calls by the master of their slot and re-sends redirected ones', async () => {
    const calls: RedisCall[] = ['a', 'b', 'c'].map((key) => ({ ...command, key }));
    const slots: Record<string, number> = { a: 1, b: 2, c: 1 };
    const sentOn: string[][] = [];
    const { replies, moved } = await sendAcrossMasters(calls, (key) => slots[key]!, {
      masterOf: (slot) => (slot === 1 ? 'm1' : 'm2'),
      sendOn: async (master, group) => {
        sentOn.push([master, ...group.map((call) => call.key)]);
        return group.map((call) =>
          call.key === 'c'
            ? new Error('MOVED 1 127.0.0.1:7002')
            : (`${master}:${call.key}` as never),
        );
      },
      sendRouted: async (call) => `routed:${call.key}` as never,
    });
    expect(sentOn).toEqual([
      ['m1', 'a', 'c'],
      ['m2', 'b'],
    ]);
    expect(replies).toEqual(['m1:a', 'm2:b', 'routed:c']);
    expect(moved).toBe(true);
  });
});
