import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** A RESP2 reply: simple and bulk strings, integers, nil, arrays; error replies nested in arrays. */
export type RespValue = string | number | null | RedisReplyError | RespValue[];

/** An error reply of the server (`-ERR ...`, `-NOAUTH ...`), thrown or nested in an array reply. */
export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisReplyError';
  }
}

/** Thrown by `respCommand` when the server did not answer within the deadline. */
export class RespTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespTimeoutError';
  }
}

/**
 * Where and how to reach a server. A `RedisServerDescriptor` fits: `host`, `port`, `password`
 * and `tls` are read from it.
 */
export interface RespTarget {
  readonly host: string;
  readonly port: number;
  /** Sent with `AUTH` before the command. */
  readonly password?: string | undefined;
  /** The user for `AUTH`; `default` when omitted. */
  readonly username?: string | undefined;
  /** Connect with TLS, trusting this CA (file or PEM); a client certificate when the server asks. */
  readonly tls?:
    | {
        readonly caFile?: string | undefined;
        readonly ca?: string | undefined;
        readonly clientCertFile?: string | undefined;
        readonly clientKeyFile?: string | undefined;
      }
    | undefined;
}

/** Options of `respCommand`. */
export interface RespCommandOptions {
  /** Deadline for connecting and answering, in ms (default 2000). */
  timeoutMs?: number;
  /** Do not authenticate even when the target has a password. */
  noAuth?: boolean;
  /**
   * The command closes the connection instead of answering (`SHUTDOWN`): resolve with `null` when
   * the server closes it.
   */
  expectClose?: boolean;
}

function encode(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

interface Parsed {
  value: RespValue;
  end: number;
}

function parse(buffer: Buffer, start: number): Parsed | undefined {
  if (start >= buffer.length) return undefined;
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = buffer[start];
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // +
      return { value: line, end: next };
    case 0x2d: // -
      return { value: new RedisReplyError(line), end: next };
    case 0x3a: // :
      return { value: Number(line), end: next };
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let position = next;
      for (let i = 0; i < count; i += 1) {
        const item = parse(buffer, position);
        if (item === undefined) return undefined;
        items.push(item.value);
        position = item.end;
      }
      return { value: items, end: position };
    }
    default:
      throw new Error(
        `unexpected RESP reply type ${JSON.stringify(String.fromCharCode(type ?? 0))}`,
      );
  }
}

function openSocket(target: RespTarget): Socket {
  if (target.tls === undefined) return netConnect({ host: target.host, port: target.port });
  const { tls } = target;
  const ca = tls.ca ?? (tls.caFile !== undefined ? readFileSync(tls.caFile, 'utf8') : undefined);
  return tlsConnect({
    host: target.host,
    port: target.port,
    ...(ca !== undefined ? { ca } : {}),
    ...(tls.clientCertFile !== undefined ? { cert: readFileSync(tls.clientCertFile) } : {}),
    ...(tls.clientKeyFile !== undefined ? { key: readFileSync(tls.clientKeyFile) } : {}),
  });
}

/**
 * Sends one command on a fresh connection and returns the reply: a tiny RESP2 client over
 * `node:net`/`node:tls`, for health checks and for tests that must not depend on a Redis client
 * library. Authenticates first when the target has a password. Cost: one loopback connection (a
 * TLS handshake for TLS targets), usually well under 5 ms.
 *
 * @throws `RedisReplyError` on an error reply (also a failed `AUTH`), `RespTimeoutError` when
 *   nothing complete arrived within `timeoutMs`, the socket error when connecting fails, and an
 *   `Error` when the server closed the connection without answering
 */
export async function respCommand(
  target: RespTarget,
  args: readonly string[],
  options: RespCommandOptions = {},
): Promise<RespValue> {
  const [reply] = await exchange(target, [args], options);
  if (reply instanceof RedisReplyError) throw reply;
  return reply ?? null;
}

/**
 * Sends several commands at once on one fresh connection and returns every reply, in order; error
 * replies are returned as `RedisReplyError` values, not thrown. For what must share a connection
 * (`WAIT` after a write, `MULTI`/`EXEC`). Cost: one loopback connection.
 *
 * @throws `RedisReplyError` when `AUTH` fails, `RespTimeoutError` when the replies are not all in
 *   within `timeoutMs`, the socket error when connecting fails
 */
export function respPipeline(
  target: RespTarget,
  commands: readonly (readonly string[])[],
  options: Omit<RespCommandOptions, 'expectClose'> = {},
): Promise<RespValue[]> {
  return exchange(target, commands, options);
}

function exchange(
  target: RespTarget,
  userCommands: readonly (readonly string[])[],
  options: RespCommandOptions,
): Promise<RespValue[]> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const auth = options.noAuth !== true && target.password !== undefined;
  const commands: (readonly string[])[] = [];
  if (auth) commands.push(['AUTH', target.username ?? 'default', target.password ?? '']);
  commands.push(...userCommands);
  const what = `${userCommands.map((command) => command[0] ?? '').join(', ')} to ${target.host}:${target.port}`;

  return new Promise((resolveReplies, reject) => {
    const socket = openSocket(target);
    let buffer: Buffer = Buffer.alloc(0);
    const replies: RespValue[] = [];
    let settled = false;
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolveReplies(auth ? replies.slice(1) : replies);
    };
    const timer = setTimeout(() => {
      finish(new RespTimeoutError(`${what}: no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setNoDelay(true);
    socket.once(target.tls === undefined ? 'connect' : 'secureConnect', () => {
      socket.write(commands.map(encode).join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      try {
        for (;;) {
          const parsed = parse(buffer, 0);
          if (parsed === undefined) break;
          buffer = buffer.subarray(parsed.end);
          replies.push(parsed.value);
        }
      } catch (error) {
        finish(error as Error);
        return;
      }
      if (auth && replies[0] instanceof RedisReplyError) {
        finish(replies[0]);
        return;
      }
      if (replies.length >= commands.length) finish(undefined);
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => {
      if (options.expectClose === true && replies.length === commands.length - 1) {
        replies.push(null);
        finish(undefined);
      } else {
        finish(new Error(`${what}: the server closed the connection without answering`));
      }
    });
  });
}
