import { randomBytes } from 'node:crypto';
import { type PostgresServerDescriptor, postgresGlobalSetup } from '@context-storage/test-servers';
import pg from 'pg';

/** The roles and database the tests use, on the server the global setup starts. */
export interface PostgresTestServer {
  readonly server: PostgresServerDescriptor;
  /** Owner of the database `cs_test` (may create schemas there): what most tests connect as. */
  readonly ownerUrl: string;
  /** A role with DML rights only (no CREATE anywhere), on `cs_test`. */
  readonly appUrl: string;
  readonly appPassword: string;
}

let provided: PostgresTestServer | undefined;

const setup = postgresGlobalSetup({
  tls: true,
  // Server-side statement counts, next to the client-side counting wrapper.
  settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' },
  async prepare(server) {
    const ownerPassword = randomBytes(9).toString('hex');
    const appPassword = randomBytes(9).toString('hex');
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE cs_owner LOGIN PASSWORD '${ownerPassword}'`);
      await admin.query(`CREATE ROLE cs_app LOGIN PASSWORD '${appPassword}'`);
      await admin.query('CREATE DATABASE cs_test OWNER cs_owner');
      await admin.query('REVOKE CREATE, TEMPORARY ON DATABASE cs_test FROM PUBLIC');
    } finally {
      await admin.end();
    }
    const base = `${server.host}:${server.port}/cs_test`;
    provided = {
      server,
      ownerUrl: `postgres://cs_owner:${ownerPassword}@${base}`,
      appUrl: `postgres://cs_app:${appPassword}@${base}`,
      appPassword,
    };
  },
});

export default async function globalSetup(project: {
  provide(key: 'postgres', value: PostgresServerDescriptor): void;
  provide(key: 'postgresTest', value: PostgresTestServer): void;
}): Promise<() => Promise<void>> {
  const teardown = await setup(project);
  project.provide('postgresTest', provided!);
  return teardown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresServerDescriptor;
    postgresTest: PostgresTestServer;
  }
}
