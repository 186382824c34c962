import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  isProcessRunning,
  killAndWait,
  pauseProcess,
  readServerPid,
  resumeProcess,
  type TrackedServerDir,
  tailFile,
  terminate,
} from '@context-storage/test-servers';
import { currentPid, type RestartOptions } from './control.js';
import type { RedisServerDescriptor, RedisServerRole, RedisTlsFiles } from './descriptor.js';
import { launchServer, runCli, type ServerSpec, shutdownForRestart } from './launch.js';
import { type RespCommandOptions, type RespValue, respCommand } from './resp.js';

/**
 * One redis-server (or redis-sentinel) process that this process started, listening on
 * 127.0.0.1 only, with its own temp directory. Made by `startStandalone`, `startTls`,
 * `startCluster` and `startSentinel`; stop it with `stop()` (the process is also killed if this
 * process exits first).
 */
export class RedisServer {
  readonly role: RedisServerRole;
  /** Always 127.0.0.1. */
  readonly host: string;
  /** The port clients connect to (the TLS port of a TLS server). */
  readonly port: number;
  /** `redis://127.0.0.1:PORT` (`rediss://` for TLS). */
  readonly url: string;
  /** The server's own temp directory, removed by `stop()`. */
  readonly dir: string;
  readonly #spec: ServerSpec;
  readonly #tracking: TrackedServerDir;
  #child: ChildProcess | undefined;
  #childExited: Promise<void> = Promise.resolve();
  #lastPid: number;
  #stopping: Promise<void> | undefined;

  /** Internal: use the start functions. */
  constructor(spec: ServerSpec, child: ChildProcess, tracking: TrackedServerDir) {
    this.#spec = spec;
    this.role = spec.role;
    this.host = spec.host;
    this.port = spec.port;
    this.url = spec.url;
    this.dir = spec.dir;
    this.#tracking = tracking;
    this.#lastPid = 0;
    this.#adopt(child);
  }

  #adopt(child: ChildProcess): void {
    this.#child = child;
    this.#childExited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    this.#lastPid = child.pid ?? 0;
    this.#tracking.child = child;
  }

  /** The pid of the running process (the new one after a restart, even one done by a worker). */
  get pid(): number {
    return this.#runningPid() ?? this.#lastPid;
  }

  /** The default user's password, if the server has one. */
  get password(): string | undefined {
    return this.#spec.password;
  }

  /** The certificate files of a TLS server. */
  get tls(): RedisTlsFiles | undefined {
    return this.#spec.tls;
  }

  /** The log file (`--logfile`), in the server's directory. */
  get logFile(): string {
    return this.#spec.logFile;
  }

  #runningPid(): number | undefined {
    const child = this.#child?.pid;
    if (child !== undefined && this.#child?.exitCode === null && this.#child.signalCode === null) {
      if (isProcessRunning(child)) return child;
    }
    return readServerPid(this.#spec.pidFile, this.#spec.dir);
  }

  /**
   * Once a child of ours is dead, waits (briefly) until Node has reaped it, so that the pid is
   * really gone when a method returns.
   */
  async #reaped(pid: number): Promise<void> {
    if (pid !== this.#child?.pid) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#childExited,
      new Promise<void>((resolveLater) => {
        timer = setTimeout(resolveLater, 2000);
      }),
    ]);
    clearTimeout(timer);
  }

  #requireRunning(): number {
    if (this.#stopping !== undefined) throw new Error(`${this.url} was stopped`);
    const pid = this.#runningPid();
    if (pid === undefined) throw new Error(`the ${this.role} server on ${this.url} is not running`);
    return pid;
  }

  /**
   * The server as plain JSON, with its current pid: what to hand to test workers (see
   * `RedisServerDescriptor`). Cost: a pidfile read.
   */
  describe(): RedisServerDescriptor {
    return { ...this.#spec, pid: this.pid };
  }

  /** Same as `describe()`, so that `JSON.stringify(server)` gives the descriptor. */
  toJSON(): RedisServerDescriptor {
    return this.describe();
  }

  /**
   * Sends one command over a fresh raw RESP connection (TLS and password handled), e.g.
   * `await server.command(['GET', 'k'])`. Cost: one loopback connection, ~1 ms.
   *
   * @throws `RedisReplyError` on an error reply, `RespTimeoutError` when nothing arrives in time
   *   (default 2 s; a paused server)
   */
  command(args: readonly string[], options?: RespCommandOptions): Promise<RespValue> {
    return respCommand(this.#spec, args, options);
  }

  /**
   * Runs `redis-cli -h 127.0.0.1 -p PORT ...args` (with `--tls --cacert` and the default user's
   * password as needed) and returns stdout without its final newline; error replies come back as
   * text (`ERR ...`). Cost: spawning redis-cli, ~5 ms.
   *
   * @throws `MissingBinaryError` without redis-cli; an `Error` with stderr when redis-cli fails
   *   (cannot connect) or runs longer than 10 s
   */
  cli(...args: string[]): Promise<string> {
    return runCli(this.#spec, args);
  }

  /** The last `lines` lines of the server's log ('' once stopped). Cost: reads the log file. */
  log(lines = 50): string {
    return tailFile(this.#spec.logFile, lines);
  }

  /**
   * Freezes the process with SIGSTOP, returning once it is stopped: connections stay open and new
   * TCP connections are still accepted, but nothing is answered until `resume()`. Cost: one
   * signal.
   *
   * @throws when the server is not running
   */
  pause(): void {
    pauseProcess(this.#requireRunning());
  }

  /**
   * Resumes a paused process (SIGCONT). Cost: one signal.
   *
   * @throws when the server is not running
   */
  resume(): void {
    resumeProcess(this.#requireRunning());
  }

  /**
   * Crashes the process with SIGKILL (no save) and waits until it is gone; the directory stays, so
   * `restart()` can bring it back. Cost: a few ms.
   *
   * @throws when the server is not running or survives SIGKILL for 5 s
   */
  async kill(): Promise<void> {
    const pid = this.#requireRunning();
    await killAndWait(pid);
    await this.#reaped(pid);
  }

  /**
   * Stops and starts the server again on the same port with the same directory and arguments,
   * keeping the dataset: `SHUTDOWN SAVE` writes the RDB that the new process loads (`save: false`
   * for `SHUTDOWN NOSAVE`). A paused server is resumed first; a killed one is just started again.
   * Cost: about 10-50 ms for a small dataset.
   *
   * @throws `RedisStartError` with the log tail when the new process does not come up; an `Error`
   *   when the shutdown fails or the server was stopped
   */
  async restart(options: RestartOptions = {}): Promise<void> {
    if (this.#stopping !== undefined) throw new Error(`${this.url} was stopped`);
    const timeoutMs = options.timeoutMs ?? 15_000;
    const pid = this.#runningPid();
    if (pid !== undefined) {
      await shutdownForRestart(this.#spec, pid, options.save ?? true, timeoutMs);
      await this.#reaped(pid);
    }
    this.#adopt(await launchServer(this.#spec, { detached: false, timeoutMs }));
  }

  /**
   * Stops the process (SIGTERM, SIGKILL after 3 s; also the process a worker restarted, found by
   * its pidfile) and removes the directory. Idempotent. Cost: usually a few ms.
   *
   * @throws when a process survives SIGKILL for 5 s
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const pids = new Set<number>();
    const child = this.#child?.pid;
    if (child !== undefined && this.#child?.exitCode === null && isProcessRunning(child)) {
      pids.add(child);
    }
    const fromFile = currentPid({ ...this.#spec, pid: 0 });
    if (fromFile !== undefined) pids.add(fromFile);
    await Promise.all(
      [...pids].map(async (pid) => {
        await terminate(pid);
        await this.#reaped(pid);
      }),
    );
    await this.#tracking.remove();
  }
}

/** A TLS server: a `RedisServer` listening only on a TLS port, with its certificates. */
export class RedisTlsServer extends RedisServer {
  /** The CA certificate file clients must trust. */
  readonly caFile: string;
  /** The server certificate file (CN=localhost, SAN IP:127.0.0.1, DNS:localhost). */
  readonly certFile: string;
  /** The server key file. */
  readonly keyFile: string;
  /** The CA certificate as PEM text (for a client's `tls: { ca }`). */
  readonly ca: string;

  /** Internal: use `startTls` or `startStandalone({ tls: true })`. */
  constructor(spec: ServerSpec, child: ChildProcess, tracking: TrackedServerDir) {
    super(spec, child, tracking);
    if (spec.tls === undefined) throw new Error('a TLS server needs TLS files');
    this.caFile = spec.tls.caFile;
    this.certFile = spec.tls.certFile;
    this.keyFile = spec.tls.keyFile;
    this.ca = readFileSync(spec.tls.caFile, 'utf8');
  }
}
