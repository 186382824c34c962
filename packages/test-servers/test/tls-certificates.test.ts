import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTlsFiles, MissingBinaryError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ts-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function certificate(file: string): X509Certificate {
  return new X509Certificate(readFileSync(file));
}

describe('generateTlsFiles', () => {
  it('makes a CA, a server certificate for localhost and 127.0.0.1 and a client certificate', async () => {
    const files = await generateTlsFiles(dir, { clientCertificate: true });
    expect(files).toEqual({
      caFile: join(dir, 'ca.crt'),
      certFile: join(dir, 'server.crt'),
      keyFile: join(dir, 'server.key'),
      clientCertFile: join(dir, 'client.crt'),
      clientKeyFile: join(dir, 'client.key'),
    });
    const ca = certificate(files.caFile);
    const server = certificate(files.certFile);
    const client = certificate(files.clientCertFile!);
    expect(ca.ca).toBe(true);
    expect(server.subject).toContain('CN=localhost');
    expect(server.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(server.checkIssued(ca) && client.checkIssued(ca)).toBe(true);
    expect(server.ca || client.ca).toBe(false);
    expect(Date.parse(server.validTo) - Date.now()).toBeLessThan(3 * 24 * 3600 * 1000);
  });

  it('without openssl, says how to install it', async () => {
    const error = await generateTlsFiles(dir, { openssl: join(dir, 'no-openssl') }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MissingBinaryError);
    expect((error as Error).message).toMatch(/openssl was not found.*apt-get install -y openssl/);
  });
});
