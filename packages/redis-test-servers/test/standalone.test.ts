import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentPid,
  killServer,
  pauseServer,
  RedisReplyError,
  type RedisServer,
  RespTimeoutError,
  redisCli,
  respCommand,
  restartServer,
  resumeServer,
  startStandalone,
} from '../src/index.js';
import { expectGone, expectRemoved } from './helpers.js';

describe('startStandalone', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startStandalone();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('listens on 127.0.0.1 on its own port and answers PING', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await server.cli('PING')).toBe('PONG');
    expect(await respCommand(server, ['PING'])).toBe('PONG');
    expect(await server.command(['CONFIG', 'GET', 'bind'])).toEqual(['bind', '127.0.0.1']);
  });

  it('does not persist: no save points, no AOF', async () => {
    expect(await server.command(['CONFIG', 'GET', 'save'])).toEqual(['save', '']);
    expect(await server.command(['CONFIG', 'GET', 'appendonly'])).toEqual(['appendonly', 'no']);
  });

  it('keeps its files in its own directory and writes a pidfile', () => {
    expect(server.dir).toContain('context-storage-redis-');
    expect(readFileSync(join(server.dir, 'redis.pid'), 'utf8').trim()).toBe(String(server.pid));
    expect(server.log()).toContain('Ready to accept connections');
  });

  it('pause makes a PING time out; resume makes it answer', async () => {
    server.pause();
    try {
      await expect(respCommand(server, ['PING'], { timeoutMs: 300 })).rejects.toBeInstanceOf(
        RespTimeoutError,
      );
    } finally {
      server.resume();
    }
    expect(await respCommand(server, ['PING'], { timeoutMs: 2000 })).toBe('PONG');
  });

  it('restart keeps the dataset and the port', async () => {
    const pid = server.pid;
    const port = server.port;
    await server.cli('SET', 'kept', 'value');
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    await expectGone(pid);
    expect(await server.cli('GET', 'kept')).toBe('value');
  });

  it('restart of a paused server resumes it first', async () => {
    server.pause();
    await server.restart();
    expect(await server.cli('GET', 'kept')).toBe('value');
  });

  it('restart without save loses what was not saved', async () => {
    await server.cli('SET', 'lost', 'value');
    await server.restart({ save: false });
    expect(await server.cli('EXISTS', 'lost')).toBe('0');
    expect(await server.cli('GET', 'kept')).toBe('value'); // from the RDB of the last restart
  });

  it('kill crashes it; restart brings it back', async () => {
    const pid = server.pid;
    await server.kill();
    await expectGone(pid);
    await expect(respCommand(server, ['PING'])).rejects.toThrow();
    await server.restart();
    expect(await server.cli('PING')).toBe('PONG');
  });
});

describe('stop', () => {
  it('leaves no process and removes the directory', async () => {
    const server = await startStandalone();
    const { pid, dir } = server;
    expect(existsSync(dir)).toBe(true);
    await server.stop();
    await expectGone(pid);
    expectRemoved(dir);
    await server.stop(); // idempotent
  });

  it('also stops a paused server', async () => {
    const server = await startStandalone();
    const { pid } = server;
    server.pause();
    await server.stop();
    await expectGone(pid);
  });
});

describe('control from a descriptor (what a vitest worker does)', () => {
  it('pauses, resumes, restarts and kills by descriptor; stop finds the new pid', async () => {
    const server = await startStandalone();
    try {
      const descriptor = JSON.parse(JSON.stringify(server.describe())) as ReturnType<
        RedisServer['describe']
      >;
      expect(descriptor.pid).toBe(server.pid);
      expect(currentPid(descriptor)).toBe(server.pid);

      expect(pauseServer(descriptor)).toBe(server.pid);
      await expect(respCommand(descriptor, ['PING'], { timeoutMs: 300 })).rejects.toBeInstanceOf(
        RespTimeoutError,
      );
      resumeServer(descriptor);
      expect(await redisCli(descriptor, 'SET', 'k', 'v')).toBe('OK');

      const oldPid = descriptor.pid;
      const newPid = await restartServer(descriptor);
      expect(newPid).not.toBe(oldPid);
      await expectGone(oldPid);
      expect(currentPid(descriptor)).toBe(newPid);
      expect(server.pid).toBe(newPid);
      expect(await redisCli(descriptor, 'GET', 'k')).toBe('v');

      await killServer(descriptor);
      await expectGone(newPid);
      expect(currentPid(descriptor)).toBeUndefined();
      const lastPid = await restartServer(descriptor);
      expect(await redisCli(descriptor, 'GET', 'k')).toBe('v');

      await server.stop();
      await expectGone(lastPid);
      expectRemoved(descriptor.dir);
    } finally {
      await server.stop();
    }
  });
});

describe('password and ACL', () => {
  it('requirepass: cli() authenticates, anonymous commands are refused', async () => {
    const server = await startStandalone({ password: 's3cret' });
    try {
      expect(await server.cli('PING')).toBe('PONG');
      await expect(respCommand({ host: server.host, port: server.port }, ['PING'])).rejects.toThrow(
        /NOAUTH/,
      );
      expect(await respCommand({ ...server.describe(), password: 's3cret' }, ['PING'])).toBe(
        'PONG',
      );
    } finally {
      await server.stop();
    }
  });

  it('a failing redis-cli says why, without the password', async () => {
    const server = await startStandalone({ password: 's3cret-in-args' });
    const descriptor = server.describe();
    await server.stop();
    const error = await redisCli(descriptor, 'PING').catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^redis-cli -p ${descriptor.port} PING failed: exited with code 1\\n.*refused`,
        's',
      ),
    );
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('s3cret');
  });

  it('aclUsers are written to an aclfile; the limited user gets NOPERM outside its rules', async () => {
    const server = await startStandalone({
      aclUsers: [
        'user storage on >s3cret ~ctx::* resetchannels -@all +ping +hello +get +set',
        'user default on nopass ~* &* +@all',
      ],
    });
    try {
      expect(await server.cli('ACL', 'WHOAMI')).toBe('default');
      expect(await server.cli('ACL', 'USERS')).toBe('default\nstorage');
      const storage = {
        host: server.host,
        port: server.port,
        username: 'storage',
        password: 's3cret',
      };
      expect(await respCommand(storage, ['SET', 'ctx::a', '1'])).toBe('OK');
      await expect(respCommand(storage, ['SET', 'other', '1'])).rejects.toBeInstanceOf(
        RedisReplyError,
      );
      await expect(respCommand(storage, ['FLUSHALL'])).rejects.toThrow(/NOPERM/);
      expect(readFileSync(join(server.dir, 'users.acl'), 'utf8')).toContain('user storage on');
    } finally {
      await server.stop();
    }
  });

  it('aclUsers with a password: the default user gets it, unless the rules define default', async () => {
    const server = await startStandalone({
      password: 'adm1n',
      aclUsers: ['storage on >s3cret ~* +@all'],
    });
    try {
      expect(await server.cli('ACL', 'WHOAMI')).toBe('default');
      await expect(
        respCommand({ host: server.host, port: server.port }, ['GET', 'x']),
      ).rejects.toThrow(/NOAUTH/);
    } finally {
      await server.stop();
    }
  });

  it('a bad ACL rule fails the start with the log tail, and leaves nothing behind', async () => {
    await expect(startStandalone({ aclUsers: ['user broken on +nosuchcommand'] })).rejects.toThrow(
      /last lines of .*redis\.log|exited/s,
    );
  });
});

describe('args', () => {
  it('are appended last and override the defaults', async () => {
    const server = await startStandalone({ args: ['--save', '60 1', '--maxmemory', '10mb'] });
    try {
      expect(await server.command(['CONFIG', 'GET', 'save'])).toEqual(['save', '60 1']);
      expect(await server.command(['CONFIG', 'GET', 'maxmemory'])).toEqual([
        'maxmemory',
        String(10 * 1024 * 1024),
      ]);
    } finally {
      await server.stop();
    }
  });
});
