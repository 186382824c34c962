import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOOPBACK, notYet, waitFor } from '@context-storage/test-servers';
import { findBinary, resolveBinary } from './binaries.js';
import { logSection } from './launch.js';
import { LOG_FILE_NAME, PID_FILE_NAME } from './redis-dirs.js';
import { type RespValue, respPipeline } from './resp.js';
import type { RedisServer } from './server.js';
import { type CommonServerOptions, redisServerRecipe, startProcess } from './server-start.js';

/** Options of `startSentinel`. */
export interface SentinelOptions extends CommonServerOptions {
  /** The name the sentinel monitors the master under (default `context-storage`). */
  masterName?: string;
  /** `sentinel down-after-milliseconds` (default 1000): how soon a silent master is down. */
  downAfterMilliseconds?: number;
  /** `sentinel failover-timeout` (default 3000). */
  failoverTimeout?: number;
  /** Deadline for the replica to sync and the sentinel to see both, in ms (default 20000). */
  topologyTimeoutMs?: number;
}

/** A master, one replica and one sentinel (quorum 1) monitoring them. */
export interface RedisSentinelServers {
  /** The master at start (after a failover, the replica is). */
  readonly master: RedisServer;
  /** Started with `--replicaof 127.0.0.1 MASTERPORT`. */
  readonly replica: RedisServer;
  /** The redis-sentinel process; its generated `sentinel.conf` is in its directory. */
  readonly sentinel: RedisServer;
  readonly masterName: string;
  /** `127.0.0.1:SENTINELPORT`, the sentinel list to give a client. */
  readonly sentinels: readonly string[];
  /** `redis+sentinel://127.0.0.1:SENTINELPORT/<masterName>`. */
  readonly url: string;
  /** The password of the master and replica (the sentinel itself has none), if any. */
  readonly password: string | undefined;
  /**
   * Stops the sentinel, the replica and the master, and removes their directories. Idempotent.
   * Cost: a few ms.
   *
   * @throws when a process survives SIGKILL
   */
  stop(): Promise<void>;
}

function fields(entry: RespValue): Map<string, string> {
  const map = new Map<string, string>();
  if (!Array.isArray(entry)) return map;
  for (let i = 0; i + 1 < entry.length; i += 2) map.set(String(entry[i]), String(entry[i + 1]));
  return map;
}

function sentinelConfig(options: {
  dir: string;
  port: number;
  masterName: string;
  masterPort: number;
  downAfter: number;
  failoverTimeout: number;
  password: string | undefined;
}): string {
  const name = options.masterName;
  const lines = [
    `port ${options.port}`,
    `bind ${LOOPBACK}`,
    `dir ${options.dir}`,
    `pidfile ${join(options.dir, PID_FILE_NAME)}`,
    `logfile ${join(options.dir, LOG_FILE_NAME)}`,
    'daemonize no',
    'sentinel resolve-hostnames no',
    'sentinel announce-hostnames no',
    `sentinel monitor ${name} ${LOOPBACK} ${options.masterPort} 1`,
    `sentinel down-after-milliseconds ${name} ${options.downAfter}`,
    `sentinel failover-timeout ${name} ${options.failoverTimeout}`,
    `sentinel parallel-syncs ${name} 1`,
  ];
  if (options.password !== undefined) lines.push(`sentinel auth-pass ${name} ${options.password}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Starts a sentinel topology on free ports of 127.0.0.1: a master, a replica (`--replicaof
 * 127.0.0.1 MASTERPORT`, awaited until `master_link_status:up`) and a redis-sentinel with a
 * generated config (`sentinel monitor <name> 127.0.0.1 MASTERPORT 1`, down-after 1 s, failover
 * timeout 3 s, `resolve-hostnames no`), awaited until `SENTINEL get-master-addr-by-name` answers
 * the master and `SENTINEL replicas` lists the replica as healthy. Without redis-sentinel on PATH,
 * `redis-server <conf> --sentinel` is used. Cost: about 0.3-1.5 s.
 *
 * @throws `MissingBinaryError` when redis-server is missing; `RedisStartError` or an `Error` with
 *   the log tails when the topology does not come up (everything started is stopped first)
 */
export async function startSentinel(options: SentinelOptions = {}): Promise<RedisSentinelServers> {
  const masterName = options.masterName ?? 'context-storage';
  if (!/^[A-Za-z0-9._-]+$/.test(masterName)) {
    throw new Error(`unusable sentinel master name ${JSON.stringify(masterName)}`);
  }
  const timeoutMs = options.topologyTimeoutMs ?? 20_000;
  const sentinelBinary = findBinary('redis-sentinel', options.binaries);
  const serverBinary = resolveBinary('redis-server', options.binaries);
  const started: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const server of [...started].reverse()) {
      await server.stop().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    const master = await startProcess(redisServerRecipe('master', options));
    started.push(master);
    const replica = await startProcess(
      redisServerRecipe('replica', options, () => ['--replicaof', LOOPBACK, String(master.port)]),
    );
    started.push(replica);
    await waitFor(
      `replica ${replica.port} to sync with master ${master.port}`,
      async () => {
        const info = String(await replica.command(['INFO', 'replication']));
        return /master_link_status:up/.test(info) ? true : notYet('master_link_status not up');
      },
      { timeoutMs, intervalMs: 20, details: () => logSection(replica.describe(), 15) },
    );
    // After a full sync, Redis 7.0 streams writes to the replica only once it has sent its first
    // REPLCONF ACK (up to 1 s later). Wait for that: a propagated PUBLISH acknowledged by WAIT.
    await waitFor(
      `master ${master.port} to stream writes to replica ${replica.port}`,
      async () => {
        const [, acked] = await respPipeline(master, [
          ['PUBLISH', '__context-storage-test-servers__', 'sync'],
          ['WAIT', '1', '100'],
        ]);
        return acked === 1 ? true : notYet(`WAIT answered ${JSON.stringify(acked)}`);
      },
      { timeoutMs, intervalMs: 10, details: () => logSection(replica.describe(), 15) },
    );
    const sentinel = await startProcess({
      role: 'sentinel',
      command: sentinelBinary ?? serverBinary,
      cliCommand: options.binaries?.redisCli,
      password: undefined,
      timeoutMs: options.timeoutMs,
      extraPorts: 0,
      prepare: async () => undefined,
      async args({ dir, port }) {
        const file = join(dir, 'sentinel.conf');
        await writeFile(
          file,
          sentinelConfig({
            dir,
            port,
            masterName,
            masterPort: master.port,
            downAfter: options.downAfterMilliseconds ?? 1000,
            failoverTimeout: options.failoverTimeout ?? 3000,
            password: options.password,
          }),
        );
        return sentinelBinary === undefined ? [file, '--sentinel'] : [file];
      },
      url: (port) => `redis+sentinel://${LOOPBACK}:${port}/${masterName}`,
    });
    started.push(sentinel);
    await waitFor(
      `sentinel ${sentinel.port} to report master ${master.port} and replica ${replica.port}`,
      async () => {
        const address = await sentinel.command(['SENTINEL', 'get-master-addr-by-name', masterName]);
        if (!Array.isArray(address) || address[1] !== String(master.port)) {
          notYet(`master address ${JSON.stringify(address)}`);
        }
        const replicas = await sentinel.command(['SENTINEL', 'replicas', masterName]);
        const seen = Array.isArray(replicas) ? replicas.map(fields) : [];
        const healthy = seen.some(
          (entry) =>
            entry.get('port') === String(replica.port) &&
            entry.get('flags') === 'slave' &&
            entry.get('master-link-status') === 'ok',
        );
        if (!healthy) {
          notYet(`replicas ${JSON.stringify(seen.map((entry) => Object.fromEntries(entry)))}`);
        }
        return true;
      },
      { timeoutMs, intervalMs: 20, details: () => logSection(sentinel.describe(), 15) },
    );
    return {
      master,
      replica,
      sentinel,
      masterName,
      sentinels: [`${sentinel.host}:${sentinel.port}`],
      url: sentinel.url,
      password: options.password,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
