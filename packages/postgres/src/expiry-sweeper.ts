/** What one sweep reports. */
export interface SweepResult {
  /** Expired contexts deleted. */
  removed: number;
  /** ms (server clock) at which the next context of the prefix expires, if any. */
  nextExpiry: number | undefined;
  /** The server's clock when it swept, ms. */
  serverNow: number;
}

/** After a context is due, how long before the sweep runs (lets a clock step settle). */
const SLACK_MS = 50;
/** Shortest pause between two sweeps, so that a stream of expiries costs a bounded rate. */
const MIN_INTERVAL_MS = 250;
/** Pause before trying again after a failed sweep (the database may be down), doubled up to 30 s. */
const RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Removes expired contexts while the application does nothing: one timer per storage (unref'd,
 * so it never keeps the process alive), armed when a write sets a TTL and re-armed for the next
 * expiry the database reports. Each firing is ONE bounded statement (at most the sweep limit of
 * contexts, rows locked by writers skipped); a full sweep is followed by another soon after.
 * Writes also sweep, inside their own statement; this timer covers a storage that stopped writing.
 */
export class ExpirySweeper {
  readonly #sweep: () => Promise<SweepResult>;
  readonly #limit: number;
  #timer: NodeJS.Timeout | undefined;
  #dueAt = Number.POSITIVE_INFINITY;
  #running: Promise<void> | undefined;
  #lastRun = 0;
  #closed = false;
  #failures = 0;

  /**
   * @param sweep - runs one sweep statement
   * @param limit - most contexts one sweep deletes
   */
  constructor(sweep: () => Promise<SweepResult>, limit: number) {
    this.#sweep = sweep;
    this.#limit = limit;
  }

  /** A context will expire `ttlMs` from now: sweep then, unless a sweep is due earlier. */
  noteExpiry(ttlMs: number): void {
    this.#arm(Date.now() + ttlMs + SLACK_MS);
  }

  /** Stops the timer and waits for a sweep in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #arm(at: number): void {
    if (this.#closed) return;
    const when = Math.max(at, this.#lastRun + MIN_INTERVAL_MS);
    if (this.#timer !== undefined && when >= this.#dueAt) return;
    clearTimeout(this.#timer);
    this.#dueAt = when;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, when - Date.now()));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#dueAt = Number.POSITIVE_INFINITY;
    this.#lastRun = Date.now();
    this.#running = this.#sweep().then(
      (result) => {
        this.#failures = 0;
        if (result.removed >= this.#limit) this.#arm(Date.now());
        else if (result.nextExpiry !== undefined) {
          this.#arm(Date.now() + (result.nextExpiry - result.serverNow) + SLACK_MS);
        }
      },
      () => {
        this.#failures++;
        this.#arm(Date.now() + Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** (this.#failures - 1)));
      },
    );
  }
}
