import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findBinary,
  MissingBinaryError,
  type RequiredBinary,
  requireBinary,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ts-binaries-'));
const program = join(dir, 'example-server');
writeFileSync(program, '#!/bin/sh\n');
chmodSync(program, 0o755);
writeFileSync(join(dir, 'not-executable'), '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE: RequiredBinary = {
  name: 'example-server',
  purpose: 'The example tests start an example server.',
  install: 'apt-get install -y example',
};

describe('findBinary', () => {
  it('looks a bare name up on PATH, or in the folders given', () => {
    expect(findBinary('example-server', { env: { PATH: `/nonexistent:${dir}` } })).toBe(program);
    expect(findBinary('example-server', { dirs: [dir] })).toBe(program);
    expect(findBinary('example-server', { env: { PATH: '/nonexistent' } })).toBeUndefined();
    expect(findBinary('not-executable', { dirs: [dir] })).toBeUndefined();
  });

  it('takes a name with a slash as a path', () => {
    expect(findBinary(program, { env: { PATH: '' } })).toBe(program);
    expect(findBinary(join(dir, 'missing'))).toBeUndefined();
  });
});

describe('requireBinary', () => {
  it('says what was searched, why the tests need it and how to install it', () => {
    expect(requireBinary(EXAMPLE, undefined, { PATH: dir })).toBe(program);
    const attempt = () => requireBinary(EXAMPLE, undefined, { PATH: '/nonexistent' });
    expect(attempt).toThrow(MissingBinaryError);
    expect(attempt).toThrow(
      'example-server was not found (looked on PATH=/nonexistent). The example tests start an ' +
        'example server. Install it with: apt-get install -y example (Debian/Ubuntu, as root or ' +
        'with sudo).',
    );
  });

  it('names where an explicit path came from', () => {
    const missing = join(dir, 'missing');
    expect(() => requireBinary(EXAMPLE, { path: missing, givenAs: 'binaries.example' })).toThrow(
      `example-server was not found (looked for ${missing}, given as binaries.example)`,
    );
  });

  it('MissingBinaryError names several programs and another way to provide them', () => {
    const error = new MissingBinaryError(['a', 'b'], 'looked in: /x', EXAMPLE, 'set X_BINDIR');
    expect(error.binary).toBe('a and b');
    expect(error.install).toBe('apt-get install -y example');
    expect(error.message).toMatch(
      /^a and b were not found \(looked in: \/x\)\. .*, or set X_BINDIR\.$/,
    );
  });
});
