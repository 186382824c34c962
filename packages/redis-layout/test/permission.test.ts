import { PermissionError } from '@context-storage/core';
import { describe, expect, it } from 'vitest';
import {
  aclRefusal,
  LOAD_CONTEXT,
  permissionError,
  RedisPermissionError,
  WRITE_CONTEXT,
} from '../src/index.js';

/** The line of a script's source holding `call`, 1-based, as Redis reports it. */
function lineOf(source: string, call: string): number {
  return source.split('\n').findIndex((line) => line.includes(call)) + 1;
}

// Messages as redis-server 7.0 sends them.
describe('aclRefusal', () => {
  it('reads the command of a NOPERM reply', () => {
    const refusal = aclRefusal(
      new Error("NOPERM this user has no permissions to run the 'client|setname' command"),
    );
    expect(refusal?.command).toBe('client|setname');
    expect(refusal?.text).toContain('CLIENT SETNAME');
    expect(refusal?.text).toContain('+client|setname');
  });

  it('finds the command a script was refused on its line of the layout script', () => {
    const at = (script: typeof LOAD_CONTEXT, call: string) =>
      new Error(
        `ERR The user executing the script can't run this command or subcommand script: ${script.sha1}, on @user_script:${lineOf(script.source, call)}.`,
      );
    expect(aclRefusal(at(WRITE_CONTEXT, "redis.call('TYPE'"))?.command).toBe('type');
    expect(aclRefusal(at(WRITE_CONTEXT, "redis.call('PERSIST'"))?.command).toBe('persist');
    expect(aclRefusal(at(LOAD_CONTEXT, "redis.call('HGETALL'"))?.command).toBe('hgetall');
  });

  it('tells a refusal of the keys', () => {
    const refusal = aclRefusal(
      new Error('NOPERM this user has no permissions to access one of the keys used as arguments'),
    );
    expect(refusal).toEqual({ command: undefined, text: expect.stringContaining('~<prefix>::*') });
  });

  it('ignores every other failure', () => {
    expect(aclRefusal(new Error('WRONGTYPE Operation against a key'))).toBeUndefined();
    expect(aclRefusal(new Error('connect ECONNREFUSED'))).toBeUndefined();
    expect(aclRefusal('NOPERM')).toBeUndefined();
  });

  it("makes a RedisPermissionError, core's PermissionError with its cause", () => {
    const cause = new Error("NOPERM this user has no permissions to run the 'scan' command");
    const error = permissionError('Redis at h:1 refused SCAN', cause);
    expect(error).toBeInstanceOf(RedisPermissionError);
    expect(error).toBeInstanceOf(PermissionError);
    expect(error?.code).toBe('PERMISSION');
    expect(error?.command).toBe('scan');
    expect(error?.grant).toBe('+scan');
    expect(error?.cause).toBe(cause);
    expect(error?.message).toBe(
      'Redis at h:1 refused SCAN: the Redis user may not run SCAN (NOPERM): grant it with +scan',
    );
  });
});
