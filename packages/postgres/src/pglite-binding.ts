import { mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConnectionError, isContextStorageError } from '@context-storage/core';
import { boundedCall, importClientLibrary } from '@context-storage/core/adapter';
import { type DirectoryLock, lockDirectory } from './directory-lock.js';
import type { SqlClient, SqlParam, SqlRow } from './sql-client.js';
import { sqlState } from './sql-errors.js';

/** What the adapter uses of a PGlite instance (structural: no type dependency on PGlite). */
export interface PgliteInstance {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(script: string): Promise<unknown>;
  close(): Promise<void>;
  /** The data directory, absent in memory. */
  readonly dataDir?: string | undefined;
}

let memoryCount = 0;
const memoryIds = new WeakMap<object, number>();

/** `pglite://<absolute dir>` of an instance, or `pglite://memory-N` for one in memory. */
export function pgliteLocation(db: PgliteInstance): string {
  const dir = db.dataDir;
  if (typeof dir === 'string' && dir !== '' && !dir.includes('://')) {
    let path = resolve(dir);
    try {
      path = realpathSync(path);
    } catch {
      // not created yet: the resolved path names it
    }
    return `pglite://${path}`;
  }
  let id = memoryIds.get(db);
  if (id === undefined) {
    id = ++memoryCount;
    memoryIds.set(db, id);
  }
  return `pglite://memory-${id}`;
}

/**
 * The {@link SqlClient} over a PGlite instance: in-process, one statement at a time (PGlite
 * queues them). `release` runs on `close()`: nothing for an instance the application passed in.
 * A closed instance fails with `ConnectionError`; database errors keep their SQLSTATE.
 */
export function pgliteSqlClient(db: PgliteInstance, release?: () => Promise<void>): SqlClient {
  const location = pgliteLocation(db);
  // In-process: no network to wait for, so no deadline; the bound only maps the errors.
  const bound = {
    timeoutMs: 0,
    description: `PGlite at ${location}`,
    // A database error keeps its SQLSTATE for the layout (retries, privileges).
    refusal: (error: unknown) => (sqlState(error) === undefined ? undefined : (error as Error)),
  };
  return {
    name: 'pglite',
    location,
    async query(text: string, params: readonly SqlParam[]): Promise<SqlRow[]> {
      const result = await boundedCall(db.query(text, [...params]), bound, 'a statement');
      return result.rows as SqlRow[];
    },
    async exec(script: string): Promise<void> {
      await boundedCall(db.exec(script), bound, 'the schema script');
    },
    close: async () => release?.(),
  };
}

async function newPglite(dataDir?: string): Promise<PgliteInstance> {
  const { PGlite } = (await importClientLibrary(
    '@electric-sql/pglite',
    '@context-storage/postgres',
    () => import('@electric-sql/pglite'),
  )) as unknown as {
    PGlite: new (dataDir?: string) => PgliteInstance & { waitReady: Promise<void> };
  };
  const db = new PGlite(dataDir);
  await db.waitReady;
  return db;
}

/** A new in-memory PGlite, owned by the caller. Cost: ~3 s (an initdb in WASM). */
export function openPgliteMemory(): Promise<PgliteInstance> {
  return newPglite();
}

interface SharedDirectory {
  refs: number;
  db: Promise<PgliteInstance>;
  lock: DirectoryLock;
}

const directories = new Map<string, SharedDirectory>();
/** Directories whose last reference was released and whose instance is closing. */
const closing = new Map<string, Promise<void>>();

/** A reference to a PGlite directory open in this process; `release()` once. */
export interface PgliteDirectoryHandle {
  readonly db: PgliteInstance;
  release(): Promise<void>;
}

/**
 * Opens a PGlite data directory for this process (created if missing), or shares the instance
 * already open on it: storages of one process on one directory use ONE instance, closed when the
 * last releases it. The directory is locked against other processes first (see
 * `lockDirectory`). Cost: ~0.3-0.6 s to open an existing directory, ~3-4 s to create one.
 *
 * @throws `PgliteDirectoryInUseError` when another live process holds it; `MissingPackageError`
 *   without `@electric-sql/pglite`; `ConnectionError` when PGlite cannot open it
 */
export async function acquirePgliteDirectory(dir: string): Promise<PgliteDirectoryHandle> {
  mkdirSync(dir, { recursive: true });
  const path = realpathSync(dir);
  await closing.get(path);
  let shared = directories.get(path);
  if (shared === undefined) {
    const lock = lockDirectory(path);
    const entry: SharedDirectory = { refs: 0, db: newPglite(path), lock };
    shared = entry;
    directories.set(path, entry);
    entry.db.catch(() => {
      if (directories.get(path) === entry) directories.delete(path);
      lock.release();
    });
  }
  shared.refs++;
  const entry = shared;
  let db: PgliteInstance;
  try {
    db = await entry.db;
  } catch (error) {
    if (isContextStorageError(error)) throw error;
    throw new ConnectionError(`PGlite cannot open ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let released = false;
  return {
    db,
    async release() {
      if (released) return;
      released = true;
      entry.refs--;
      if (entry.refs > 0) return;
      directories.delete(path);
      const done = db.close().finally(() => {
        entry.lock.release();
        closing.delete(path);
      });
      closing.set(
        path,
        done.catch(() => {}),
      );
      await done;
    },
  };
}
