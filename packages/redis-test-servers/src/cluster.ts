import { notYet, runProgram, waitFor } from '@context-storage/test-servers';
import { resolveBinary } from './binaries.js';
import { logSection } from './launch.js';
import type { RedisServer } from './server.js';
import { type CommonServerOptions, redisServerRecipe, startProcess } from './server-start.js';

/** Options of `startCluster`. */
export interface ClusterOptions extends CommonServerOptions {
  /** Number of masters, at least 3 (redis-cli's minimum); no replicas. Default 3. */
  masters?: number;
  /** `cluster-node-timeout` in ms (default 5000). */
  nodeTimeoutMs?: number;
  /** Deadline for creating the cluster and for it to become healthy, in ms (default 30000). */
  clusterTimeoutMs?: number;
}

/** A Redis Cluster of masters only, each a `RedisServer` on its own free port. */
export interface RedisClusterServers {
  /** The nodes, in the order they were given to `redis-cli --cluster create`. */
  readonly nodes: readonly RedisServer[];
  /** `127.0.0.1:PORT` of every node. */
  readonly seeds: readonly string[];
  /** `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,...`. */
  readonly url: string;
  /** The default user's password, if any. */
  readonly password: string | undefined;
  /**
   * Stops every node and removes their directories (in parallel). Idempotent. Cost: a few ms.
   *
   * @throws when a process survives SIGKILL
   */
  stop(): Promise<void>;
}

const SLOTS = 16384;

function clusterInfo(text: string): Map<string, string> {
  const info = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) info.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return info;
}

/**
 * Starts a Redis Cluster of `masters` nodes (default 3) with no replicas: each a redis-server on a
 * free port of 127.0.0.1 with `--cluster-enabled yes`, its `nodes.conf` in its own directory and
 * an explicit free `--cluster-port` (the bus port; not the default port+10000). The cluster is
 * made with `redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes`, then awaited
 * until every node reports `cluster_state:ok`, all 16384 slots ok and knows every other node.
 * Cost: about 1.5-3 s (redis-cli waits for the nodes to agree).
 *
 * @throws `MissingBinaryError` when redis-server or redis-cli is missing; `RedisStartError` or an
 *   `Error` with redis-cli's output / the nodes' log tails when the cluster does not form (every
 *   node started is stopped first)
 */
export async function startCluster(options: ClusterOptions = {}): Promise<RedisClusterServers> {
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 3) {
    throw new Error(
      `a cluster needs at least 3 masters (redis-cli --cluster create), not ${masters}`,
    );
  }
  const cli = resolveBinary('redis-cli', options.binaries);
  const timeoutMs = options.clusterTimeoutMs ?? 30_000;
  const nodeTimeout = String(options.nodeTimeoutMs ?? 5000);
  const started = await Promise.allSettled(
    Array.from({ length: masters }, () =>
      startProcess(
        redisServerRecipe(
          'cluster-node',
          options,
          ({ dir, extraPorts }) => [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `${dir}/nodes.conf`,
            '--cluster-port',
            String(extraPorts[0]),
            '--cluster-node-timeout',
            nodeTimeout,
          ],
          1,
        ),
      ),
    ),
  );
  const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async (): Promise<void> => {
    const results = await Promise.allSettled(nodes.map((node) => node.stop()));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  };
  try {
    const failure = started.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    const seeds = nodes.map((node) => `${node.host}:${node.port}`);
    const auth =
      options.password !== undefined ? ['--no-auth-warning', '-a', options.password] : [];
    const create = ['--cluster', 'create', ...seeds, '--cluster-replicas', '0', '--cluster-yes'];
    // The label leaves out `-a PASSWORD`.
    await runProgram(cli, [...auth, ...create], {
      label: `redis-cli ${create.join(' ')}`,
      timeoutMs,
    });
    await waitFor(
      `the cluster ${seeds.join(',')} to be ok on every node`,
      async () => {
        for (const node of nodes) {
          const info = clusterInfo(String(await node.command(['CLUSTER', 'INFO'])));
          const state = `${node.port}: state ${info.get('cluster_state')}, slots ok ${info.get('cluster_slots_ok')}, known nodes ${info.get('cluster_known_nodes')}, size ${info.get('cluster_size')}`;
          if (
            info.get('cluster_state') !== 'ok' ||
            info.get('cluster_slots_assigned') !== String(SLOTS) ||
            info.get('cluster_slots_ok') !== String(SLOTS) ||
            info.get('cluster_known_nodes') !== String(masters) ||
            info.get('cluster_size') !== String(masters)
          ) {
            notYet(state);
          }
        }
        return true;
      },
      {
        timeoutMs,
        intervalMs: 50,
        details: () => nodes.map((node) => logSection(node.describe(), 10)).join('\n'),
      },
    );
    return {
      nodes,
      seeds,
      url: `redis+cluster://${seeds.join(',')}`,
      password: options.password,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
