import type { RedisServer, RedisTlsServer } from './server.js';
import { type RedisServerRecipeOptions, redisServerRecipe, startProcess } from './server-start.js';

/** Options of `startStandalone`. */
export type StandaloneOptions = RedisServerRecipeOptions;

/** Options of `startTls`: `tls` may only choose how client certificates are checked. */
export type TlsServerOptions = Omit<RedisServerRecipeOptions, 'tls'> & {
  tls?: true | { authClients?: 'no' | 'yes' | 'optional' };
};

/**
 * Starts a standalone redis-server on a free port of 127.0.0.1, in a fresh temp directory, with
 * `--save ''` and `--appendonly no` (override with `args`). With `tls`, see `startTls`. Cost: about
 * 20-50 ms (plus ~50 ms of openssl for TLS).
 *
 * @throws `MissingBinaryError` (message: `apt-get install -y redis-server redis-tools
 *   redis-sentinel`) when redis-server is missing; `RedisStartError` with the log tail when it
 *   does not come up (a bad ACL rule, a bad argument)
 */
export function startStandalone(
  options: StandaloneOptions & { tls: true | { authClients?: 'no' | 'yes' | 'optional' } },
): Promise<RedisTlsServer>;
export function startStandalone(options?: StandaloneOptions): Promise<RedisServer>;
export async function startStandalone(options: StandaloneOptions = {}): Promise<RedisServer> {
  const role = options.tls === undefined || options.tls === false ? 'standalone' : 'tls';
  return startProcess(redisServerRecipe(role, options));
}

/**
 * Starts a redis-server that listens only on a TLS port (`--port 0 --tls-port P`) of 127.0.0.1,
 * with a throwaway CA and a server certificate made by openssl in its directory (CN=localhost,
 * subjectAltName IP:127.0.0.1, DNS:localhost, EC P-256, 2 days). Client certificates are not
 * required unless `tls.authClients` says so (then a client certificate is made too and used by
 * `cli()`). The result has `caFile`, `certFile`, `keyFile`, `ca` (PEM) and `url`
 * (`rediss://127.0.0.1:P`). Cost: about 50-100 ms.
 *
 * @throws `MissingBinaryError` when redis-server or openssl is missing; `RedisStartError` with
 *   the log tail when the server does not come up
 */
export async function startTls(options: TlsServerOptions = {}): Promise<RedisTlsServer> {
  return startStandalone({ ...options, tls: options.tls ?? true });
}
