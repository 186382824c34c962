import type { RedisNode, RedisTarget } from './redis-uri.js';

/**
 * Where a Redis connection points, without credentials: read from a parsed URI
 * ({@link targetEndpoint}) or from what a client passed in exposes (each binding's `describe`),
 * so that both give the same location for the same data.
 */
export type RedisEndpoint =
  | { topology: 'standalone'; node: RedisNode; db: number }
  | { topology: 'unix'; socketPath: string; db: number }
  /** A cluster, named by the seed nodes it was opened with. */
  | { topology: 'cluster'; seeds: readonly RedisNode[] }
  /** A master found through sentinels, named by its master name (the sentinels may change). */
  | { topology: 'sentinel'; masterName: string; db: number };

/** The endpoint of a parsed URI. */
export function targetEndpoint(target: RedisTarget): RedisEndpoint {
  switch (target.topology) {
    case 'cluster':
      return { topology: 'cluster', seeds: target.nodes };
    case 'sentinel':
      return { topology: 'sentinel', masterName: target.sentinel.masterName, db: target.db };
    case 'standalone':
      return target.socketPath === undefined
        ? { topology: 'standalone', node: target.nodes[0]!, db: target.db }
        : { topology: 'unix', socketPath: target.socketPath, db: target.db };
  }
}

/**
 * The backend half of the storage's location (see `storageLocation`): `redis://host:port/db`,
 * `redis+unix:///path?db=N`, `redis+cluster://seed1,seed2` (sorted), `redis+sentinel://name/db`.
 */
export function endpointBackend(endpoint: RedisEndpoint): string {
  switch (endpoint.topology) {
    case 'standalone':
      return `redis://${hostPort(endpoint.node)}/${endpoint.db}`;
    case 'unix':
      return `redis+unix://${endpoint.socketPath}?db=${endpoint.db}`;
    case 'cluster':
      return `redis+cluster://${endpoint.seeds.map(hostPort).sort().join(',')}`;
    case 'sentinel':
      return `redis+sentinel://${encodeURIComponent(endpoint.masterName)}/${endpoint.db}`;
  }
}

/** How messages name the server: `Redis at host:port`, `the Redis cluster`... */
export function endpointDescription(endpoint: RedisEndpoint): string {
  switch (endpoint.topology) {
    case 'standalone':
      return `Redis at ${hostPort(endpoint.node)}`;
    case 'unix':
      return `Redis at ${endpoint.socketPath}`;
    case 'cluster':
      return 'the Redis cluster';
    case 'sentinel':
      return `the Redis master "${endpoint.masterName}" (via sentinel)`;
  }
}

/** `host:port`, an IPv6 host in brackets. */
export function hostPort(node: RedisNode): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;
}
