import type { TlsFiles } from '@context-storage/test-servers';

/** What a server is for. */
export type RedisServerRole =
  | 'standalone'
  | 'tls'
  | 'cluster-node'
  | 'master'
  | 'replica'
  | 'sentinel';

/** The certificate files of a TLS server, all inside its directory. */
export type RedisTlsFiles = TlsFiles;

/**
 * Everything about one running server as plain JSON: what the global setup process hands to the
 * test workers (through vitest's `provide`/`inject`), and all that a worker needs to pause,
 * resume, kill or restart that server itself (see `restartServer`).
 *
 * `pid` is the pid when the descriptor was made; after a restart the server has another one,
 * which `currentPid(descriptor)` reads from `pidFile`.
 */
export interface RedisServerDescriptor {
  readonly role: RedisServerRole;
  /** Always 127.0.0.1. */
  readonly host: string;
  /** The port clients connect to (the TLS port of a TLS server; it has no plaintext port). */
  readonly port: number;
  readonly pid: number;
  /** `redis://127.0.0.1:PORT`, `rediss://...` for TLS, `redis+sentinel://...` for a sentinel. */
  readonly url: string;
  /** The server's own temp directory: config, RDB, nodes.conf, certificates, log, pidfile. */
  readonly dir: string;
  /** Written by the server at startup (`--pidfile`), removed at a clean exit. */
  readonly pidFile: string;
  readonly logFile: string;
  /** Absolute path of the program (redis-server or redis-sentinel). */
  readonly command: string;
  /** Its exact arguments: spawning `command` with them starts the same server on the same port. */
  readonly args: readonly string[];
  /** The default user's password, used by `cli()`, `redisCli` and the health checks. */
  readonly password?: string;
  readonly tls?: RedisTlsFiles;
  /** redis-cli to use; looked up on PATH when absent. */
  readonly cliCommand?: string;
}
