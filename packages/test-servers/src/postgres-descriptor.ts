import type { PostgresBinaries } from './postgres-binaries.js';
import type { ServerUser } from './server-user.js';
import type { TlsFiles } from './tls-certificates.js';

/** The TLS files of a server started with `tls: true` (made by openssl at start; no client certificate). */
export type PostgresTlsFiles = Pick<TlsFiles, 'caFile' | 'certFile' | 'keyFile'>;

/**
 * Everything about one running PostgreSQL server as plain JSON: what the global setup hands to
 * test workers (vitest `provide`/`inject`), and all a worker needs to pause, kill or restart it.
 */
export interface PostgresServerDescriptor {
  /** Always 127.0.0.1. */
  readonly host: string;
  readonly port: number;
  /** The unix socket directory (`-k`); connect with host = this folder. */
  readonly socketDir: string;
  /** The server's temp dir: data, socket, password file, TLS files, log. */
  readonly dir: string;
  /** The cluster made by initdb (`-D`). */
  readonly dataDir: string;
  /** The postmaster's pid when the descriptor was made (see `currentPostgresPid` after a restart). */
  readonly pid: number;
  /** The superuser made by initdb. */
  readonly superuser: string;
  /** Its password (scram-sha-256 on TCP; unix-socket connections are trusted). */
  readonly password: string;
  /** `postgres://superuser:password@127.0.0.1:port/postgres`. */
  readonly url: string;
  /** The server's stdout and stderr. */
  readonly logFile: string;
  /** The arguments of `postgres`, to start the same server again. */
  readonly args: readonly string[];
  readonly binaries: PostgresBinaries;
  /** The unprivileged user the server runs as when the tests run as root. */
  readonly user?: ServerUser;
  readonly tls?: PostgresTlsFiles;
}
