import { createServer, type Server, type Socket } from 'node:net';
import { dialog, randomId } from '@context-storage/core/conformance';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PostgresContextStorage } from '../src/index.js';
import { ownerUri, randomPrefix, TEST_TIMEOUTS } from './matrix.js';

const servers = inject('postgresTest');
const server = inject('postgres');
const BOUND = TEST_TIMEOUTS.commandTimeoutMs + TEST_TIMEOUTS.connectTimeoutMs + 1000;

/** Asserts a CONNECTION error within `maxMs`, with a cause and without `secret`; returns it. */
async function connectionError(promise: Promise<unknown>, secret: string, maxMs = BOUND) {
  const started = Date.now();
  const error = await promise.then(
    () => {
      throw new Error('expected a ConnectionError, but the call succeeded');
    },
    (caught: unknown) => caught as Error & { code?: string; cause?: unknown },
  );
  expect(error.code, `${error.name}: ${error.message}`).toBe('CONNECTION');
  expect(Date.now() - started).toBeLessThan(maxMs);
  expect(error.cause).toBeDefined();
  expect(`${error.message} ${String(error.stack)}`).not.toContain(secret);
  return error;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const opened: Server[] = [];
const sockets: Socket[] = [];
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(opened.map((s) => new Promise((resolve) => s.close(resolve))));
});

const password = new URL(servers.ownerUrl).password;
const timeouts = `commandTimeoutMs=${TEST_TIMEOUTS.commandTimeoutMs}&connectTimeoutMs=${TEST_TIMEOUTS.connectTimeoutMs}`;

describe('connecting fails with ConnectionError, in bounded time, without the password', () => {
  it('a refused connection', async () => {
    const port = await freePort();
    const error = await connectionError(
      PostgresContextStorage.connect(
        `postgres://cs_owner:${password}@127.0.0.1:${port}/cs_test?${timeouts}`,
      ),
      password,
    );
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a server that accepts the connection and never answers', async () => {
    const silent = createServer((socket) => void sockets.push(socket)).listen(0, '127.0.0.1');
    opened.push(silent);
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    await connectionError(
      PostgresContextStorage.connect(
        `postgres://cs_owner:${password}@127.0.0.1:${port}/cs_test?${timeouts}`,
      ),
      password,
    );
  });

  it('a wrong password', async () => {
    const wrong = 'not-the-password-1234';
    const error = await connectionError(
      PostgresContextStorage.connect(
        `postgres://cs_owner:${wrong}@127.0.0.1:${server.port}/cs_test?${timeouts}`,
      ),
      wrong,
    );
    expect(error.message).toMatch(/password authentication failed.*28P01/);
  });

  it('an unknown database', async () => {
    const error = await connectionError(
      PostgresContextStorage.connect(ownerUri().replace('/cs_test?', '/no_such_db?')),
      password,
    );
    expect(error.message).toMatch(/"no_such_db" does not exist.*3D000/);
  });

  it('a certificate its CA does not sign, or no trusted CA at all', async () => {
    const ca = server.tls!.caFile;
    const base = ownerUri('&sslmode=verify-full');
    const untrusted = await connectionError(PostgresContextStorage.connect(base), password);
    expect(untrusted.message).toMatch(/certificate/i);
    const wrongRoot = `${base}&sslrootcert=${encodeURIComponent(server.tls!.certFile)}`;
    await connectionError(PostgresContextStorage.connect(wrongRoot), password);
    // The same URI with the right CA connects, encrypted.
    const storage = await PostgresContextStorage.connect(
      `${base}&sslrootcert=${encodeURIComponent(ca)}`,
      {
        prefix: randomPrefix(),
      },
    );
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      const id = randomId();
      await storage.setItem(id, dialog(id, 1));
      const { rows } = await admin.query(
        `SELECT s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
         WHERE a.usename = 'cs_owner' AND a.application_name = 'context-storage'`,
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.ssl === true)).toBe(true);
    } finally {
      await storage.close();
      await admin.end();
    }
  });

  it('sslmode=require against a server without TLS names the cause', async () => {
    // The unix socket never speaks TLS.
    const uri = `postgres://cs_owner@${encodeURIComponent(server.socketDir)}:${server.port}/cs_test?sslmode=require&${timeouts}`;
    const error = await connectionError(PostgresContextStorage.connect(uri), password);
    expect(error.message).toMatch(/SSL|TLS/i);
  });

  it('a unix socket directory as the host connects (both URI forms)', async () => {
    for (const uri of [
      `postgres://cs_owner@${encodeURIComponent(server.socketDir)}:${server.port}/cs_test?${timeouts}`,
      `postgresql://cs_owner@:${server.port}/cs_test?host=${encodeURIComponent(server.socketDir)}&${timeouts}`,
    ]) {
      const storage = await PostgresContextStorage.connect(uri, { prefix: randomPrefix() });
      try {
        expect(storage.location).toContain(encodeURIComponent(server.socketDir));
        const id = randomId();
        await storage.setItem(id, dialog(id, 2));
        expect((await storage.getItem(id))?.currentTurnId).toBe(2);
      } finally {
        await storage.close();
      }
    }
  });
});

describe('a call cut short fails with ConnectionError, and the storage goes on', () => {
  /** Holds the row lock of a saved context from another session until `release()`. */
  async function lockContext(storage: PostgresContextStorage, id: string) {
    const holder = new pg.Client({ connectionString: servers.ownerUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(
      'SELECT 1 FROM context_storage.contexts WHERE prefix = $1 AND id = $2 FOR UPDATE',
      [storage.prefix, Buffer.from(id)],
    );
    return async () => {
      await holder.query('ROLLBACK');
      await holder.end();
    };
  }

  it('a statement timeout (57014)', async () => {
    const pool = new pg.Pool({ connectionString: servers.ownerUrl, statement_timeout: 300 });
    const storage = new PostgresContextStorage(
      { pool },
      { prefix: randomPrefix(), commandTimeoutMs: 5000 },
    );
    try {
      const id = randomId();
      const context = dialog(id, 1);
      await storage.setItem(id, context);
      const release = await lockContext(storage, id);
      try {
        context.addTurn({ request: 'blocked' });
        const error = await connectionError(storage.setItem(id, context), password, 3000);
        expect(error.message).toMatch(/statement timeout.*57014/);
      } finally {
        await release();
      }
      await storage.setItem(id, context); // the same storage goes on
      expect((await storage.getItem(id))?.currentTurnId).toBe(2);
    } finally {
      await storage.close();
      await pool.end(); // the application's pool: the storage left it open
    }
  });

  it('the server ending the connection mid-call (57P01)', async () => {
    const storage = await PostgresContextStorage.connect(ownerUri(), {
      prefix: randomPrefix(),
      commandTimeoutMs: 10_000,
    });
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      const id = randomId();
      const context = dialog(id, 1);
      await storage.setItem(id, context);
      const release = await lockContext(storage, id);
      try {
        context.addTurn({ request: 'cut' });
        const saving = storage.setItem(id, context);
        const failed = connectionError(saving, password, 5000);
        for (let attempt = 0; ; attempt++) {
          const { rows } = await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE usename = 'cs_owner' AND application_name = 'context-storage' AND wait_event_type = 'Lock'`,
          );
          if (rows.length > 0 || attempt > 100) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const error = await failed;
        expect(error.message).toMatch(/57P01|terminat/);
      } finally {
        await release();
      }
      await storage.setItem(id, context);
      expect((await storage.getItem(id))?.currentTurnId).toBe(2);
    } finally {
      await storage.close();
      await admin.end();
    }
  });
});
