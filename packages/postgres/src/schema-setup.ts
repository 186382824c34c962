import { ConnectionError } from '@context-storage/core';
import { SCHEMA_VERSION } from './layout.js';
import { schemaDdl } from './schema-ddl.js';
import type { SqlClient } from './sql-client.js';
import { sqlState, storageErrorOf } from './sql-errors.js';
import type { LayoutStatements } from './statements.js';

/** SQLSTATEs of a missing schema (3F000) or table (42P01). */
const MISSING = new Set(['3F000', '42P01']);
const NO_PRIVILEGE = '42501';

/**
 * Makes sure the layout exists at {@link SCHEMA_VERSION} in `schema`: one SELECT of the recorded
 * version when it does (the only statement a DML-only role ever needs here); otherwise, if
 * `create` allows, the DDL as one transaction behind a transaction-scoped advisory lock, so that
 * processes starting at once create it once and the others wait and find it done.
 *
 * @throws `ConnectionError` when the database cannot be reached, when the layout is missing and
 *   may not or cannot be created (the message says to run the DDL of the README), or when it was
 *   made by a newer version of this package
 */
export async function ensureSchema(
  client: SqlClient,
  schema: string,
  statements: LayoutStatements,
  create: boolean,
  description: string,
): Promise<void> {
  let version: number | undefined;
  try {
    const [row] = await client.query(statements.layoutVersion, []);
    version = row === undefined ? undefined : Number(row.version);
  } catch (error) {
    const state = sqlState(error);
    if (state === NO_PRIVILEGE) {
      throw new ConnectionError(
        `${description}: this role may not read the schema "${schema}" of @context-storage/postgres; grant it the rights listed in the README (USAGE on the schema, SELECT on ${schema}.layout, DML on its tables)`,
        { cause: error },
      );
    }
    if (state === undefined || !MISSING.has(state)) {
      throw storageErrorOf(error, description, 'the schema check');
    }
  }
  if (version === SCHEMA_VERSION) return;
  if (version !== undefined && version > SCHEMA_VERSION) {
    throw new ConnectionError(
      `${description}: the schema "${schema}" holds layout version ${version}, made by a newer @context-storage/postgres (this one knows version ${SCHEMA_VERSION}); upgrade the package`,
    );
  }
  if (!create) {
    throw new ConnectionError(
      `${description}: the schema "${schema}" of @context-storage/postgres is missing or older than version ${SCHEMA_VERSION}, and createSchema is false; run the DDL of the README`,
    );
  }
  try {
    await client.exec(
      `SELECT pg_advisory_xact_lock(hashtext('context-storage:${schema}'));\n${schemaDdl(schema)}`,
    );
  } catch (error) {
    if (sqlState(error) === NO_PRIVILEGE) {
      throw new ConnectionError(
        `${description}: the schema "${schema}" of @context-storage/postgres is missing and this role may not create it; run the DDL of the README as its owner, then grant this role the DML rights listed there`,
        { cause: error },
      );
    }
    throw storageErrorOf(error, description, 'creating the schema');
  }
}
