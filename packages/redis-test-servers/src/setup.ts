import type { RedisBinaries } from './binaries.js';
import { type ClusterOptions, type RedisClusterServers, startCluster } from './cluster.js';
import type { RedisServerDescriptor } from './descriptor.js';
import { sweepStaleServers } from './redis-dirs.js';
import { type RedisSentinelServers, startSentinel } from './sentinel.js';
import type { RedisServer, RedisTlsServer } from './server.js';
import { startStandalone, startTls } from './standalone.js';

/** The environment variable that points the standalone topology at an existing Redis. */
export const REDIS_URL_ENV = 'CONTEXT_STORAGE_REDIS_URL';

/** Which topologies `redisServersSetup` starts (in parallel). */
export interface RedisServersSetupOptions {
  /** A standalone server (default true), unless `CONTEXT_STORAGE_REDIS_URL` is set. */
  standalone?: boolean;
  /** A 3-master cluster (default false); options such as `nodeTimeoutMs` may be given instead of true. */
  cluster?: boolean | Omit<ClusterOptions, 'binaries'>;
  /** A master, a replica and a sentinel (default false). */
  sentinel?: boolean;
  /** A TLS-only server (default false). */
  tls?: boolean;
  /** Where the programs are (default: on PATH). */
  binaries?: RedisBinaries;
  /** The environment to read `CONTEXT_STORAGE_REDIS_URL` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** The standalone topology as handed to tests. */
export type ProvidedStandalone =
  | {
      /** Started by the setup: tests may pause, kill, restart and read it freely. */
      readonly external: false;
      /** `redis://127.0.0.1:PORT`. */
      readonly url: string;
      readonly server: RedisServerDescriptor;
    }
  | {
      /**
       * Given by `CONTEXT_STORAGE_REDIS_URL`: not ours. Tests must only work inside random key
       * prefixes, never FLUSHDB, and skip what needs to pause or restart the server.
       */
      readonly external: true;
      readonly url: string;
    };

/** The cluster as handed to tests. */
export interface ProvidedCluster {
  /** `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`. */
  readonly url: string;
  /** `127.0.0.1:PORT` of every node. */
  readonly seeds: readonly string[];
  readonly nodes: readonly RedisServerDescriptor[];
}

/** The sentinel topology as handed to tests. */
export interface ProvidedSentinel {
  /** `redis+sentinel://127.0.0.1:SENTINELPORT/<masterName>`. */
  readonly url: string;
  readonly masterName: string;
  /** `127.0.0.1:SENTINELPORT`. */
  readonly sentinels: readonly string[];
  readonly master: RedisServerDescriptor;
  readonly replica: RedisServerDescriptor;
  readonly sentinel: RedisServerDescriptor;
}

/** The TLS server as handed to tests. */
export interface ProvidedTls {
  /** `rediss://127.0.0.1:PORT`. */
  readonly url: string;
  /** The CA certificate (PEM) to trust. */
  readonly ca: string;
  readonly caFile: string;
  readonly server: RedisServerDescriptor;
}

/**
 * What `redisServersSetup` hands to tests (plain JSON, for vitest's `provide`/`inject`). A
 * topology that was not requested is absent.
 */
export interface ProvidedRedisServers {
  readonly standalone?: ProvidedStandalone;
  readonly cluster?: ProvidedCluster;
  readonly sentinel?: ProvidedSentinel;
  readonly tls?: ProvidedTls;
}

/** The running topologies, for the process that owns them. */
export interface RedisServersHandles {
  standalone?: RedisServer;
  cluster?: RedisClusterServers;
  sentinel?: RedisSentinelServers;
  tls?: RedisTlsServer;
}

/** What `redisServersSetup` returns. */
export interface RedisServersSetup {
  readonly servers: RedisServersHandles;
  readonly provided: ProvidedRedisServers;
  /**
   * Stops every server (also those restarted by test workers, found by their pidfiles) and
   * removes their directories. Idempotent.
   *
   * @throws an `AggregateError` when some process could not be stopped
   */
  teardown(): Promise<void>;
}

interface Stoppable {
  stop(): Promise<void>;
}

async function stopAll(items: readonly Stoppable[]): Promise<void> {
  const results = await Promise.allSettled(items.map((item) => item.stop()));
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (errors.length > 0) throw new AggregateError(errors, 'some Redis test servers did not stop');
}

/**
 * Starts the requested topologies in parallel for a vitest `globalSetup` (see the README), after
 * sweeping servers left behind by crashed earlier runs. With `CONTEXT_STORAGE_REDIS_URL` set, the
 * standalone topology is not started and that URL is provided instead (`external: true`). Cost:
 * the slowest topology: ~50 ms standalone or TLS, ~0.5-1.5 s sentinel, ~1.5-3 s cluster.
 *
 * @throws `MissingBinaryError` (message: how to install Redis) or a start error; whatever did start
 *   is stopped first. With several failures, an `AggregateError`.
 */
export async function redisServersSetup(
  options: RedisServersSetupOptions = {},
): Promise<RedisServersSetup> {
  sweepStaleServers();
  const env = options.env ?? process.env;
  const external = env[REDIS_URL_ENV];
  const binaries = options.binaries !== undefined ? { binaries: options.binaries } : {};
  const wantStandalone =
    (options.standalone ?? true) && (external === undefined || external === '');

  const jobs = {
    standalone: wantStandalone ? startStandalone(binaries) : undefined,
    cluster:
      options.cluster === undefined || options.cluster === false
        ? undefined
        : startCluster({ ...(options.cluster === true ? {} : options.cluster), ...binaries }),
    sentinel: options.sentinel === true ? startSentinel(binaries) : undefined,
    tls: options.tls === true ? startTls(binaries) : undefined,
  };
  const [standalone, cluster, sentinel, tls] = await Promise.allSettled([
    jobs.standalone,
    jobs.cluster,
    jobs.sentinel,
    jobs.tls,
  ]);
  const servers: RedisServersHandles = {};
  const errors: unknown[] = [];
  for (const [key, result] of [
    ['standalone', standalone],
    ['cluster', cluster],
    ['sentinel', sentinel],
    ['tls', tls],
  ] as const) {
    if (result.status === 'rejected') errors.push(result.reason);
    else if (result.value !== undefined) Object.assign(servers, { [key]: result.value });
  }
  const everything: Stoppable[] = [
    servers.sentinel,
    servers.cluster,
    servers.standalone,
    servers.tls,
  ].filter((item): item is NonNullable<typeof item> => item !== undefined);
  if (errors.length > 0) {
    await stopAll(everything).catch(() => undefined);
    if (errors.length === 1) throw errors[0];
    throw new AggregateError(errors, 'some Redis test servers did not start');
  }

  const provided: {
    -readonly [K in keyof ProvidedRedisServers]: ProvidedRedisServers[K];
  } = {};
  if (servers.standalone !== undefined) {
    provided.standalone = {
      external: false,
      url: servers.standalone.url,
      server: servers.standalone.describe(),
    };
  } else if ((options.standalone ?? true) && external !== undefined && external !== '') {
    provided.standalone = { external: true, url: external };
  }
  if (servers.cluster !== undefined) {
    provided.cluster = {
      url: servers.cluster.url,
      seeds: servers.cluster.seeds,
      nodes: servers.cluster.nodes.map((node) => node.describe()),
    };
  }
  if (servers.sentinel !== undefined) {
    const topology = servers.sentinel;
    provided.sentinel = {
      url: topology.url,
      masterName: topology.masterName,
      sentinels: topology.sentinels,
      master: topology.master.describe(),
      replica: topology.replica.describe(),
      sentinel: topology.sentinel.describe(),
    };
  }
  if (servers.tls !== undefined) {
    provided.tls = {
      url: servers.tls.url,
      ca: servers.tls.ca,
      caFile: servers.tls.caFile,
      server: servers.tls.describe(),
    };
  }

  let stopping: Promise<void> | undefined;
  return {
    servers,
    provided,
    teardown: () => {
      stopping ??= stopAll(everything);
      return stopping;
    },
  };
}

/** What a vitest global setup receives that {@link redisGlobalSetup} uses (vitest's `TestProject`). */
export interface ProvidingProject {
  provide(key: 'redis', value: ProvidedRedisServers): void;
}

/**
 * A vitest `globalSetup` that starts the requested topologies once for every test file, hands
 * them to the tests as `inject('redis')`, and stops them at the end. Usage, in a package's
 * `test/global-setup.ts`: `export default redisGlobalSetup({ standalone: true });` (plus the
 * `ProvidedContext` declaration that types `inject('redis')`).
 */
export function redisGlobalSetup(
  options: RedisServersSetupOptions = {},
): (project: ProvidingProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const { provided, teardown } = await redisServersSetup(options);
    project.provide('redis', provided);
    return teardown;
  };
}
