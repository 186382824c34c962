import type { ConnectionOptions } from 'node:tls';
import { readTlsFiles } from '@context-storage/core/adapter';
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
  const pem = { ca: files.caFile, cert: files.certFile, key: files.keyFile };
  return {
    ...readTlsFiles(pem, target.redactedUri),
    ...(files.serverName === undefined ? {} : { servername: files.serverName }),
    ...(files.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: files.rejectUnauthorized }),
  };
}
