import { PGlite } from '@electric-sql/pglite';
import type { PgliteInstance } from '../src/index.js';

/**
 * A PGlite instance the tests can make unavailable: an embedded database has no server to pause,
 * so during an "outage" every call goes to a closed PGlite instance and fails exactly as PGlite
 * fails once closed; afterwards calls go to the live instance again.
 */
export class SwitchablePglite implements PgliteInstance {
  readonly #live: PgliteInstance;
  #dead: PgliteInstance | undefined;
  #down = false;

  constructor(live: PgliteInstance) {
    this.#live = live;
  }

  get dataDir(): string | undefined {
    return this.#live.dataDir;
  }

  query(text: string, params?: unknown[]) {
    return this.#current().query(text, params);
  }

  exec(script: string) {
    return this.#current().exec(script);
  }

  /** The application's instance: the storages never close it. */
  async close(): Promise<void> {}

  /** Starts an outage; resolves the function that ends it. Cost: one closed PGlite, made once. */
  async goDown(): Promise<() => Promise<void>> {
    if (this.#dead === undefined) {
      const dead = new PGlite();
      await dead.waitReady;
      await dead.close();
      this.#dead = dead;
    }
    this.#down = true;
    return async () => {
      this.#down = false;
    };
  }

  #current(): PgliteInstance {
    return this.#down ? this.#dead! : this.#live;
  }
}
