import type { RedisServer } from '@context-storage/redis-test-servers';
import { Redis } from 'ioredis';
import { parseCounters, parseCpuMicros, type RedisCounters } from './traffic.js';

const BEFORE = ['INFO', 'cpu'] as const;
const AFTER = ['INFO', 'cpu', 'stats', 'commandstats'] as const;

/** The RESP length of a command as a client sends it. */
function respLength(args: readonly string[]): number {
  let length = `*${args.length}\r\n`.length;
  for (const arg of args)
    length += `$${Buffer.byteLength(arg)}\r\n`.length + Buffer.byteLength(arg) + 2;
  return length;
}

/**
 * Counts what some turns cost the bench's own Redis server, over one connection of its own kept
 * open (a fresh connection per measurement would add the server's accept and teardown to the CPU
 * counted). A window is `start()`: `INFO cpu`, then `CONFIG RESETSTAT`; the turns; `stop()`: one
 * `INFO cpu stats commandstats`. The server's CPU is read in both INFO replies (RESETSTAT leaves
 * it alone), so a window also counts the RESETSTAT and the INFO's own parsing (a few µs) and
 * whatever the server does on its own meanwhile (its 10 Hz cron: well under 1 µs per turn at
 * a thousand turns per second); the bytes of the measurement's own commands are taken out.
 * Nothing else may use the server during a window.
 */
export class RedisMeter {
  readonly #client: Redis;
  #cpuBefore: number | undefined;

  private constructor(client: Redis) {
    this.#client = client;
  }

  /**
   * Connects to `server` and checks it is the one the bench started: its `INFO server`
   * `process_id` must be `server.pid`, since `CONFIG RESETSTAT` wipes the statistics of whoever
   * else uses a server. Cost: a connection and one INFO.
   *
   * @throws `Error` when the server answers with another process id (the connection is closed
   *   again), or cannot be reached
   */
  static async open(server: Pick<RedisServer, 'url' | 'pid'>): Promise<RedisMeter> {
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      const info = await client.info('server');
      const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
      if (pid !== server.pid) {
        throw new Error(
          `${server.url} is process ${pid}, not the bench's own server (pid ${server.pid}): its statistics are not the bench's to reset`,
        );
      }
    } catch (error) {
      client.disconnect();
      throw error;
    }
    return new RedisMeter(client);
  }

  /** Starts a window: reads the server's CPU time, then resets its statistics. */
  async start(): Promise<void> {
    this.#cpuBefore = parseCpuMicros(await this.#client.info(BEFORE[1]));
    await this.#client.call('CONFIG', 'RESETSTAT');
  }

  /**
   * Ends the window {@link start} began and resolves what the server counted in it.
   *
   * @throws `Error` without a window started
   */
  async stop(): Promise<RedisCounters> {
    const before = this.#cpuBefore;
    if (before === undefined) throw new Error('RedisMeter.stop() without start()');
    this.#cpuBefore = undefined;
    const info = await this.#client.info(...AFTER.slice(1));
    // The RESETSTAT's reply and the INFO's command were counted; nothing else of the meter's.
    return parseCounters(info, parseCpuMicros(info) - before, {
      bytesIn: respLength(AFTER),
      bytesOut: '+OK\r\n'.length,
    });
  }

  /** Runs `block` in one window; resolves its value and the window's counters. */
  async measure<T>(block: () => Promise<T>): Promise<{ value: T; counters: RedisCounters }> {
    await this.start();
    const value = await block();
    return { value, counters: await this.stop() };
  }

  /** Closes the meter's connection. */
  async close(): Promise<void> {
    await this.#client.quit().catch(() => this.#client.disconnect());
  }
}
