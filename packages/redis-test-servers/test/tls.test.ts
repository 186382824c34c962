import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisTlsServer, respCommand, startStandalone, startTls } from '../src/index.js';
import { expectGone, expectRemoved } from './helpers.js';

const run = promisify(execFile);

describe('startTls', () => {
  let server: RedisTlsServer;

  beforeAll(async () => {
    server = await startTls();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('exposes a rediss:// URL, the CA as PEM and the certificate files', () => {
    expect(server.url).toBe(`rediss://127.0.0.1:${server.port}`);
    expect(server.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(server.tls?.caFile).toBe(server.caFile);
    const cert = new X509Certificate(server.ca);
    expect(cert.ca).toBe(true);
  });

  it('has a server certificate for localhost and 127.0.0.1, signed by the CA', async () => {
    const { readFile } = await import('node:fs/promises');
    const cert = new X509Certificate(await readFile(server.certFile));
    expect(cert.subject).toContain('CN=localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.checkIssued(new X509Certificate(server.ca))).toBe(true);
    expect(Date.parse(cert.validTo) - Date.now()).toBeLessThan(3 * 24 * 3600 * 1000);
  });

  it('answers redis-cli --tls --cacert (what cli() runs)', async () => {
    expect(await server.cli('PING')).toBe('PONG');
    const { stdout } = await run('redis-cli', [
      '--tls',
      '--cacert',
      server.caFile,
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      'PING',
    ]);
    expect(stdout.trim()).toBe('PONG');
  });

  it('answers a Node TLS client that verifies the certificate against 127.0.0.1', async () => {
    expect(
      await respCommand({ host: '127.0.0.1', port: server.port, tls: { ca: server.ca } }, ['PING']),
    ).toBe('PONG');
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: server.port, ca: server.ca }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(authorized).toBe(true);
  });

  it('refuses plaintext, and has no plaintext port', async () => {
    await expect(
      respCommand({ host: '127.0.0.1', port: server.port }, ['PING'], { timeoutMs: 1000 }),
    ).rejects.toThrow();
    const plain = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(server.port), 'PING'], {
      timeout: 5000,
    }).then(
      (result) => result.stdout,
      (error: { stdout?: string }) => error.stdout ?? '',
    );
    expect(plain).not.toContain('PONG');
    expect(await server.command(['CONFIG', 'GET', 'port'])).toEqual(['port', '0']);
    expect(await server.command(['CONFIG', 'GET', 'tls-auth-clients'])).toEqual([
      'tls-auth-clients',
      'no',
    ]);
  });

  it('rejects a client that does not trust the CA', async () => {
    await expect(
      respCommand({ host: '127.0.0.1', port: server.port, tls: {} }, ['PING'], { timeoutMs: 2000 }),
    ).rejects.toThrow(/self.signed|unable to verify|certificate/i);
  });

  it('restarts with its certificates and keeps its dataset', async () => {
    await server.cli('SET', 'k', 'v');
    await server.restart();
    expect(await server.cli('GET', 'k')).toBe('v');
  });
});

describe('TLS with client certificates', () => {
  it('authClients yes: cli() uses the generated client certificate; a client without one fails', async () => {
    const server = await startStandalone({ tls: { authClients: 'yes' } });
    try {
      expect(server.tls?.clientCertFile).toBeDefined();
      expect(await server.cli('PING')).toBe('PONG');
      await expect(
        respCommand({ host: '127.0.0.1', port: server.port, tls: { ca: server.ca } }, ['PING'], {
          timeoutMs: 2000,
        }),
      ).rejects.toThrow();
    } finally {
      const { pid, dir } = server;
      await server.stop();
      await expectGone(pid);
      expectRemoved(dir);
    }
  });
});
