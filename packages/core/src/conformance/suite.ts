import type { StorageCapabilities, TurnField } from '../driver.js';
import type { DBContextStorage } from '../storage.js';
import type { StorageOptions } from '../storage-options.js';
import { defaultRunner } from './default-runner.js';
import type { TestRunner } from './runner.js';
import { explainUnexpected } from './unexpected-error.js';

/**
 * Opens a fresh storage isolated from every other one it returned (its own prefix or namespace),
 * on the same backend as the others, so that the suite can check that they do not see each other.
 * `options` (codec, TTL, load windows) are passed to the storage.
 */
export type StorageFactory = (options?: StorageOptions) => Promise<DBContextStorage>;

/** Which stored part of a context a corruption hook damages. */
export type CorruptionTarget = 'main' | 'misc' | { field: TurnField; turnId: number };

/**
 * Optional raw access to the backend, so that the suite checks what is really stored and how the
 * adapter copes with a damaged or absent backend. Tests needing a hook that is not given are
 * skipped, by name.
 */
export interface ConformanceHooks {
  /**
   * Opens a second storage over the same data as `storage` (same prefix), as another process
   * would. Used to test version checks across instances.
   */
  reopen?(storage: DBContextStorage): Promise<DBContextStorage>;
  /**
   * Damages what is stored for the saved context `id`: `main` makes its main info unreadable
   * (for example a version that is not a number), `misc` puts bytes the codec cannot decode in
   * its misc, an item target does the same to one turn item.
   */
  corrupt?(storage: DBContextStorage, id: string, target: CorruptionTarget): Promise<void>;
  /**
   * What is stored for `id`, in the backend's own terms (any value), or `undefined` when nothing
   * is stored. Read directly from the backend, not through the adapter.
   */
  readRaw?(storage: DBContextStorage, id: string): Promise<unknown>;
  /**
   * Makes the backend unreachable for `storage` (and every storage of the same backend) and
   * resolves a function that makes it reachable again.
   */
  makeUnavailable?(storage: DBContextStorage): Promise<() => Promise<void>>;
}

/** Options of {@link describeContextStorage}. */
export interface ConformanceOptions {
  /**
   * What the adapter declares it can do; must equal what its storages report. Tests of a
   * capability declared false are skipped, by name.
   */
  capabilities: StorageCapabilities;
  /** Raw access to the backend; see {@link ConformanceHooks}. */
  hooks?: ConformanceHooks;
  /** Test runner; default: vitest under vitest, else `node:test`. */
  runner?: TestRunner;
  /** Timeout of each test in ms. Default 60,000. */
  timeoutMs?: number;
  /** How many contexts the listing test stores. Default 2,500. */
  manyContexts?: number;
  /** How many concurrent writers the update tests run. Default 20. */
  concurrentWriters?: number;
}

/** What a test receives: storages to use, closed for it at the end of the test. */
export interface TestEnv {
  /** A fresh isolated storage from the factory. */
  open(options?: StorageOptions): Promise<DBContextStorage>;
  /** The hooks (only those the test declared it requires are guaranteed present). */
  hooks: ConformanceHooks;
  /** The suite's options. */
  options: Required<Omit<ConformanceOptions, 'hooks' | 'runner'>>;
}

/** Something a test needs: a capability declared true, or a hook given. */
export type Requirement = keyof StorageCapabilities | `hook:${keyof ConformanceHooks}`;

/** How a test group registers its tests. */
export interface SuiteApi {
  /** Registers a test, skipped (visibly, with the reason) when a requirement is not met. */
  test(
    name: string,
    body: (env: TestEnv) => Promise<void>,
    requires?: readonly Requirement[],
  ): void;
}

/** A group of conformance tests, one concept per file. */
export type TestGroup = (suite: SuiteApi) => void;

/** Builds the {@link SuiteApi} of one `describeContextStorage` call. */
export function createSuiteApi(factory: StorageFactory, options: ConformanceOptions): SuiteApi {
  const runner = options.runner ?? defaultRunner;
  const hooks = options.hooks ?? {};
  const resolved = {
    capabilities: options.capabilities,
    timeoutMs: options.timeoutMs ?? 60_000,
    manyContexts: options.manyContexts ?? 2_500,
    concurrentWriters: options.concurrentWriters ?? 20,
  };
  const unmet = (requirement: Requirement): string | undefined => {
    if (requirement.startsWith('hook:')) {
      const hook = requirement.slice(5) as keyof ConformanceHooks;
      return hooks[hook] === undefined ? `no ${hook} hook given` : undefined;
    }
    const capability = requirement as keyof StorageCapabilities;
    return options.capabilities[capability] ? undefined : `adapter declares no ${capability}`;
  };
  return {
    test(name, body, requires = []) {
      const reasons = requires.flatMap((requirement) => unmet(requirement) ?? []);
      if (reasons.length > 0) {
        runner.skip(name, reasons.join('; '));
        return;
      }
      runner.test(
        name,
        async () => {
          const opened: DBContextStorage[] = [];
          const env: TestEnv = {
            open: async (storageOptions) => {
              const storage = await factory(storageOptions);
              opened.push(storage);
              return storage;
            },
            hooks: {
              ...hooks,
              ...(hooks.reopen === undefined
                ? {}
                : {
                    reopen: async (storage: DBContextStorage) => {
                      const again = await hooks.reopen!(storage);
                      opened.push(again);
                      return again;
                    },
                  }),
            },
            options: resolved,
          };
          try {
            await body(env);
          } catch (error) {
            throw explainUnexpected(error);
          } finally {
            await Promise.all(opened.map((storage) => storage.close()));
          }
        },
        resolved.timeoutMs,
      );
    },
  };
}
