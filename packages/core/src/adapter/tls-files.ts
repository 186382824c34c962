import { readFileSync } from 'node:fs';
import { InvalidUriError } from '../errors.js';

/** The PEM files a URI names for TLS, by role. */
export interface TlsFilePaths {
  /** CA or root certificate(s) to trust. */
  ca?: string | undefined;
  /** Client certificate. */
  cert?: string | undefined;
  /** Key of the client certificate. */
  key?: string | undefined;
}

/** The contents of {@link TlsFilePaths}, as node's `tls` options take them. */
export interface TlsFileContents {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * Reads the PEM files a storage URI names (`tlsCaFile`, `sslrootcert`...), for the node `tls`
 * options of a client; `caName` is what the backend calls the CA file in messages (`root
 * certificate` for PostgreSQL). Cost: one synchronous read per file, when connecting.
 *
 * @throws `InvalidUriError` naming the file that cannot be read and why (with the URI redacted)
 */
export function readTlsFiles(
  paths: TlsFilePaths,
  redactedUri: string,
  caName = 'CA',
): TlsFileContents {
  const out: TlsFileContents = {};
  const names = { ca: caName, cert: 'certificate', key: 'key' };
  for (const role of ['ca', 'cert', 'key'] as const) {
    const file = paths[role];
    if (file === undefined) continue;
    try {
      out[role] = readFileSync(file);
    } catch (cause) {
      throw new InvalidUriError(
        redactedUri,
        `cannot read the TLS ${names[role]} file ${file}: ${(cause as Error).message}`,
      );
    }
  }
  return out;
}
