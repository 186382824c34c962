import { performance } from 'node:perf_hooks';

/**
 * Progress of a run on stderr: on a terminal, one line rewritten in place; otherwise (CI, a
 * pipe) one line per finished step.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #total: number;
  readonly #started = performance.now();
  #step = 0;
  #label = '';

  /**
   * @param total - number of steps
   * @param stream - where to write (default stderr)
   */
  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#total = total;
    this.#stream = stream;
  }

  #prefix(): string {
    const seconds = Math.round((performance.now() - this.#started) / 1000);
    const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    const width = String(this.#total).length;
    return `[${String(this.#step).padStart(width)}/${this.#total} ${clock}]`;
  }

  /** A step begins. */
  start(label: string): void {
    this.#step += 1;
    this.#label = label;
    if (this.#stream.isTTY) this.#stream.write(`\r\x1b[K${this.#prefix()} ${label}…`);
  }

  /** The step ends, with a short summary of what it measured. */
  done(summary: string): void {
    const line = `${this.#prefix()} ${this.#label}: ${summary}`;
    this.#stream.write(this.#stream.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
  }

  /** A message of its own line (kept on a terminal). */
  note(message: string): void {
    this.#stream.write(this.#stream.isTTY ? `\r\x1b[K${message}\n` : `${message}\n`);
  }
}
