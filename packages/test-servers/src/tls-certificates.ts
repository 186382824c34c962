import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OPENSSL, requireBinary } from './binaries.js';
import { runProgram } from './run-program.js';

/** The certificate files of a TLS server, all inside its directory. */
export interface TlsFiles {
  /** The CA that signed the server (and client) certificate: what clients must trust. */
  readonly caFile: string;
  /** The server certificate (CN=localhost, subjectAltName IP:127.0.0.1, DNS:localhost). */
  readonly certFile: string;
  /** The server's private key. */
  readonly keyFile: string;
  /** A client certificate signed by the CA; only when one was asked for. */
  readonly clientCertFile?: string;
  /** The key of `clientCertFile`. */
  readonly clientKeyFile?: string;
}

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no

[dn]
CN = context-storage test CA

[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[v3_client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function run(openssl: string, args: string[], cwd: string): Promise<void> {
  await runProgram(openssl, args, { cwd });
}

function serial(): string {
  return `0x${randomBytes(8).toString('hex')}`;
}

async function signedCertificate(
  openssl: string,
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<void> {
  await run(
    openssl,
    [
      'req',
      '-new',
      '-config',
      'openssl.cnf',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ],
    dir,
  );
  await run(
    openssl,
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      serial(),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'openssl.cnf',
      '-extensions',
      extensions,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
}

/** Options of `generateTlsFiles`. */
export interface TlsFilesOptions {
  /** Also make a client certificate (for servers that check client certificates). */
  clientCertificate?: boolean;
  /** The openssl program: a path or a name on `PATH` (default `openssl` on `PATH`). */
  openssl?: string;
}

/**
 * Makes a throwaway CA and a server certificate signed by it in `dir` with openssl (EC P-256,
 * valid 2 days; server CN=localhost, subjectAltName IP:127.0.0.1, DNS:localhost), and a client
 * certificate when asked. Files: ca.crt, ca.key, server.crt, server.key (client.crt, client.key).
 * Cost: 4 (6) openssl runs, ~30-60 ms.
 *
 * @throws `MissingBinaryError` without openssl; an `Error` with openssl's stderr when it fails
 */
export async function generateTlsFiles(
  dir: string,
  options: TlsFilesOptions = {},
): Promise<TlsFiles> {
  const openssl = requireBinary(
    OPENSSL,
    options.openssl === undefined ? undefined : { path: options.openssl, givenAs: 'openssl' },
  );
  await writeFile(join(dir, 'openssl.cnf'), OPENSSL_CONFIG);
  await run(
    openssl,
    [
      'req',
      '-x509',
      '-config',
      'openssl.cnf',
      '-extensions',
      'v3_ca',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-sha256',
      '-set_serial',
      serial(),
      '-subj',
      '/CN=context-storage test CA',
    ],
    dir,
  );
  const files: { -readonly [K in keyof TlsFiles]: TlsFiles[K] } = {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
  };
  const jobs = [signedCertificate(openssl, dir, 'server', '/CN=localhost', 'v3_server')];
  if (options.clientCertificate === true) {
    jobs.push(
      signedCertificate(openssl, dir, 'client', '/CN=context-storage test client', 'v3_client'),
    );
    files.clientCertFile = join(dir, 'client.crt');
    files.clientKeyFile = join(dir, 'client.key');
  }
  await Promise.all(jobs);
  return files;
}
