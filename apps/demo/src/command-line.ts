import { parseArgs } from 'node:util';

/** The command's name, as printed before every error line. */
export const COMMAND = 'context-storage-demo';

/** How to call the demo: printed by `--help`, and after the line of a usage error. */
export const USAGE = `usage: ${COMMAND} [--storage URI] [--host HOST] [--port N] [--help]

  --storage URI   where contexts live (default: $CONTEXT_STORAGE_URI, else memory://)
  --host HOST     address to listen on (default: 127.0.0.1, loopback only; the demo has no
                  authentication, so 0.0.0.0 shows every dialog to the network)
  --port N        HTTP port, 0 to 65535 (default: $PORT, else 3000; 0 picks a free one)
  --help, -h      this text and the installed adapters
`;

/** Default listening address: loopback, so a demo started by accident is not on the network. */
export const DEFAULT_HOST = '127.0.0.1';
/** Default port when neither `--port` nor `$PORT` gives one. */
export const DEFAULT_PORT = 3000;

/** What the command line asks for. */
export interface DemoCommand {
  help: boolean;
  storage: string;
  host: string;
  port: number;
}

/** A command line the demo cannot run: printed as one line and the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Reads the flags (and `$CONTEXT_STORAGE_URI`, `$PORT` from `env`). Throws {@link UsageError} for
 * an unknown flag, a flag without its value, a stray argument, or a port that is not an integer
 * from 0 to 65535.
 */
export function parseCommandLine(args: string[], env: NodeJS.ProcessEnv): DemoCommand {
  let values: { storage?: string; host?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        storage: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    // Node's message explains how to pass a positional that starts with '-': keep the first sentence.
    throw new UsageError(firstSentence((error as Error).message));
  }
  const portText = values.port ?? env.PORT ?? String(DEFAULT_PORT);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    const from = values.port === undefined ? '$PORT' : '--port';
    throw new UsageError(
      `${from} must be an integer from 0 to 65535, got ${JSON.stringify(portText)}`,
    );
  }
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '') throw new UsageError('--host must name an address, got ""');
  return {
    help: values.help === true,
    storage: values.storage ?? env.CONTEXT_STORAGE_URI ?? 'memory://',
    host,
    port,
  };
}

function firstSentence(message: string): string {
  const end = message.search(/\.\s/);
  return end < 0 ? message : message.slice(0, end + 1);
}

/** The URL a browser opens for a server listening on `host`:`port` (IPv6 in brackets). */
export function listeningUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
