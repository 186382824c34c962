import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { InvalidUriError } from '@context-storage/core';
import type { RedisTarget } from './redis-uri.js';

/**
 * The node `tls` options of a TLS target: the PEM files named in the URI read from disk, the
 * server name and the certificate check. `undefined` for a target without TLS.
 *
 * @throws `InvalidUriError` naming a file that cannot be read
 */
export function tlsConnectionOptions(target: RedisTarget): ConnectionOptions | undefined {
  if (target.tls === undefined) return undefined;
  const files = target.tls;
  const read = (file: string | undefined, what: string) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (cause) {
      throw new InvalidUriError(
        target.redactedUri,
        `cannot read the TLS ${what} file ${file}: ${(cause as Error).message}`,
      );
    }
  };
  const ca = read(files.caFile, 'CA');
  const cert = read(files.certFile, 'certificate');
  const key = read(files.keyFile, 'key');
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(files.serverName === undefined ? {} : { servername: files.serverName }),
    ...(files.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: files.rejectUnauthorized }),
  };
}
