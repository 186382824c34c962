import { resolve } from 'node:path';
import { createContextStorage, InvalidUriError } from '@context-storage/core';
import { describe, expect, it } from 'vitest';
import { contextStorageAdapter, PostgresContextStorage, parsePostgresUri } from '../src/index.js';
import { ownerUri, randomPrefix } from './matrix.js';

describe('parsePostgresUri', () => {
  it('reads user, password, host, port, database and the options', () => {
    expect(
      parsePostgresUri(
        'postgresql://bot:p%40ss@db.example:6543/dialogs?prefix=shop&schema=cs&ttlMs=1000&poolSize=3&commandTimeoutMs=200&connectTimeoutMs=300',
      ),
    ).toEqual({
      kind: 'server',
      redactedUri:
        'postgresql://bot:***@db.example:6543/dialogs?prefix=shop&schema=cs&ttlMs=1000&poolSize=3&commandTimeoutMs=200&connectTimeoutMs=300',
      user: 'bot',
      password: 'p@ss',
      host: 'db.example',
      port: 6543,
      database: 'dialogs',
      schema: 'cs',
      poolSize: 3,
      commandTimeoutMs: 200,
      connectTimeoutMs: 300,
      options: { prefix: 'shop', ttlMs: 1000 },
    });
  });

  it('reads a unix socket host, IPv6 and TLS settings', () => {
    expect(parsePostgresUri('postgres://u@%2Fvar%2Frun%2Fpostgresql/db')).toMatchObject({
      host: '/var/run/postgresql',
    });
    expect(parsePostgresUri('postgres:///db?host=/tmp/s')).toMatchObject({
      host: '/tmp/s',
      database: 'db',
    });
    expect(parsePostgresUri('postgres://[::1]:5433/db')).toMatchObject({ host: '::1', port: 5433 });
    expect(
      parsePostgresUri(
        'postgres://h/db?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/c.pem&sslkey=/k.pem',
      ),
    ).toMatchObject({
      tls: { mode: 'verify-full', rootCertFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' },
    });
    expect(parsePostgresUri('postgres://h/db?sslmode=disable').kind).toBe('server');
  });

  it('reads pglite directories (relative to the working directory) and memory', () => {
    expect(parsePostgresUri('pglite://./data/bot')).toMatchObject({
      kind: 'pglite',
      dataDir: resolve('data/bot'),
    });
    expect(parsePostgresUri('pglite:///srv/bot?prefix=x')).toMatchObject({
      dataDir: '/srv/bot',
      options: { prefix: 'x' },
    });
    const memory = parsePostgresUri('pglite://');
    expect(memory.kind).toBe('pglite');
    expect('dataDir' in memory).toBe(false);
  });

  it.each([
    ['postgres://u:secret@h/db?sslmode=prefer', /silently falls back/],
    ['postgres://u:secret@h/db?sslmode=bogus', /sslmode must be/],
    ['postgres://u:secret@h/db?sslrootcert=/ca', /need sslmode/],
    ['postgres://u:secret@h/db?sslmode=require&sslcert=/c', /go together/],
    ['postgres://u:secret@h:99999/db', /port must be/],
    ['postgres://u:secret@h/db/extra', /database name only/],
    ['postgres://u:secret@h/db?host=/s', /give the host once/],
    ['postgres://u:secret@h/db?colour=blue', /unknown query parameter: colour/],
    ['postgres://u:secret@h/db#frag', /fragment/],
    ['pglite://u:secret@dir', /not credentials/],
    ['pglite://./d?poolSize=2', /unknown query parameter: poolSize/],
  ])('refuses %s', (uri, reason) => {
    let caught: unknown;
    try {
      parsePostgresUri(uri);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidUriError);
    expect(String((caught as Error).message)).toMatch(reason);
    expect(String((caught as Error).message)).not.toContain('secret');
  });
});

describe('TLS files', () => {
  it('a certificate file that cannot be read is an InvalidUriError naming it, before any connection', async () => {
    const uri = `${ownerUri('&sslmode=verify-full&sslrootcert=/nonexistent/ca.pem')}`;
    const error = await PostgresContextStorage.connect(uri).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidUriError);
    expect(String((error as Error).message)).toMatch(
      /cannot read the TLS root certificate file \/nonexistent\/ca.pem/,
    );
    expect(String((error as Error).message)).not.toContain(new URL(ownerUri()).password);
  });
});

describe('createContextStorage', () => {
  it('opens postgres:// and postgresql:// through the registered adapter', async () => {
    expect(contextStorageAdapter.schemes).toEqual(['postgres', 'postgresql', 'pglite']);
    const prefix = randomPrefix();
    const storage = await createContextStorage(ownerUri(), { prefix });
    const again = await createContextStorage(ownerUri().replace('postgres://', 'postgresql://'), {
      prefix,
    });
    try {
      expect(storage).toBeInstanceOf(PostgresContextStorage);
      expect(storage.location).toBe(again.location);
      expect(storage.location).not.toContain(new URL(ownerUri()).password);
      expect(storage.location).toMatch(
        /^postgres:\/\/127\.0\.0\.1:\d+\/cs_test\?schema=context_storage#test-/,
      );
    } finally {
      await storage.close();
      await again.close();
    }
  });

  it('a pool of the application gets the same location as the URI, and stays open', async () => {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: ownerUri().split('?')[0] });
    const prefix = randomPrefix();
    const fromPool = new PostgresContextStorage({ pool }, { prefix });
    const fromUri = await PostgresContextStorage.connect(ownerUri(), { prefix });
    try {
      expect(fromPool.location).toBe(fromUri.location);
      await fromPool.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await fromUri.close();
      await pool.end();
    }
  });
});
