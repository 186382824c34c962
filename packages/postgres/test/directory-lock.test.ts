import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, lockDirectory, PgliteDirectoryInUseError } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'context-storage-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lockFile = () => join(dir, LOCK_FILE_NAME);
const holder = () => JSON.parse(readFileSync(lockFile(), 'utf8'));

describe('lockDirectory', () => {
  it('records this process, refuses a second lock, and release() frees it', () => {
    const lock = lockDirectory(dir);
    expect(holder()).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => lockDirectory(dir)).toThrow(PgliteDirectoryInUseError);
    lock.release();
    lock.release();
    lockDirectory(dir).release();
  });

  it('takes over the lock of a dead process', () => {
    writeFileSync(
      lockFile(),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), token: 'old', since: 0 }),
    );
    const lock = lockDirectory(dir);
    expect(holder().pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to a process started later', () => {
    // pid 1 is alive, but it did not start at that tick.
    writeFileSync(
      lockFile(),
      JSON.stringify({ pid: 1, host: hostname(), token: 'old', started: 'not-a-tick', since: 0 }),
    );
    lockDirectory(dir).release();
  });

  it('refuses a live holder, and one on another host it cannot check', () => {
    writeFileSync(
      lockFile(),
      JSON.stringify({ pid: 1, host: hostname(), token: 'init', since: 0 }),
    );
    expect(() => lockDirectory(dir)).toThrow(/in use by process 1/);
    writeFileSync(
      lockFile(),
      JSON.stringify({ pid: 2 ** 22 + 1, host: 'elsewhere', token: 'x', since: 0 }),
    );
    expect(() => lockDirectory(dir)).toThrow(
      new RegExp(`if that process is gone, delete ${lockFile()}`),
    );
  });

  it('treats a half-written lock as being taken now, and an old one as stale', () => {
    writeFileSync(lockFile(), '{"pid":');
    expect(() => lockDirectory(dir)).toThrow(/a process locking it right now/);
    utimesSync(lockFile(), new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
    lockDirectory(dir).release();
  });

  it('release() never removes a lock that another process took over meanwhile', () => {
    const lock = lockDirectory(dir);
    writeFileSync(
      lockFile(),
      JSON.stringify({ pid: 1, host: hostname(), token: 'theirs', since: 0 }),
    );
    lock.release();
    expect(holder().token).toBe('theirs');
  });
});
