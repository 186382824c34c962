import { checkIdentifier, LAYOUT_NAME, SCHEMA_VERSION } from './layout.js';
import { loadQuery } from './statements.js';

/**
 * The DDL of the SQL layout in schema `schema`: tables, indexes and the two functions, all
 * idempotent (`IF NOT EXISTS`, `CREATE OR REPLACE`), ending with the recorded layout version. What
 * the adapter runs on first use when the schema is missing, and what a DBA runs by hand (the
 * README prints it for the default schema).
 *
 * Layout:
 * - `contexts`: one row per context, keyed by (prefix, id): main info, `expires_at` in ms of the
 *   server's clock (NULL: never);
 * - `turn_items`: one row per turn item, keyed by (prefix, id, field, turn_id), so that the latest
 *   N items of a field are one range of the primary key; deleted with their context (cascade);
 * - ids are `bytea` (UTF-8), since `text` cannot hold NUL; byte order is code-point order, so
 *   keyset paging needs no collation. Payloads are `bytea`, stored byte for byte.
 *
 * @throws `InvalidArgumentError` for a schema name that is not a plain identifier
 */
export function schemaDdl(schema: string): string {
  const s = checkIdentifier(schema);
  return `CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.layout (
  name    text PRIMARY KEY,
  version integer NOT NULL
);

CREATE TABLE IF NOT EXISTS ${s}.contexts (
  prefix       text COLLATE "C" NOT NULL,
  id           bytea NOT NULL,
  version      bigint NOT NULL,
  current_turn bigint NOT NULL,
  created_at   bigint NOT NULL,
  updated_at   bigint NOT NULL,
  expires_at   bigint,
  misc         bytea NOT NULL,
  framework    bytea NOT NULL,
  PRIMARY KEY (prefix, id)
);

CREATE INDEX IF NOT EXISTS contexts_expiry
  ON ${s}.contexts (prefix, expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS ${s}.turn_items (
  prefix  text COLLATE "C" NOT NULL,
  id      bytea NOT NULL,
  field   smallint NOT NULL,
  turn_id bigint NOT NULL,
  payload bytea NOT NULL,
  PRIMARY KEY (prefix, id, field, turn_id),
  FOREIGN KEY (prefix, id) REFERENCES ${s}.contexts (prefix, id) ON DELETE CASCADE
);

-- The clock that decides expiry: the server's, at the start of the statement.
CREATE OR REPLACE FUNCTION ${s}.now_ms() RETURNS bigint
LANGUAGE sql STABLE
AS $$ SELECT floor(extract(epoch FROM now()) * 1000)::bigint $$;

-- Loads contexts: main rows (field NULL) and the items of each field's window (p_windows: one
-- size per field, -1: all), each window one range of the primary key. A function so that each
-- connection plans the query once.
CREATE OR REPLACE FUNCTION ${s}.load_contexts(p_prefix text, p_ids text[], p_windows bigint[])
RETURNS TABLE (n integer, field smallint, turn_id bigint, payload bytea, framework bytea,
  version bigint, current_turn bigint, created_at bigint, updated_at bigint, expires_at bigint)
LANGUAGE plpgsql STABLE
AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
${loadQuery(s, 'p_prefix', 'p_ids', 'p_windows')};
END
$fn$;

-- Deletes at most p_limit expired contexts of one prefix (rows locked by writers are skipped),
-- and tells when the next one expires.
CREATE OR REPLACE FUNCTION ${s}.sweep_expired(p_prefix text, p_limit integer)
RETURNS TABLE (removed integer, next_expiry bigint, server_now bigint)
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_now bigint := ${s}.now_ms();
BEGIN
  WITH doomed AS (
    SELECT c.id FROM ${s}.contexts c
    WHERE c.prefix = p_prefix AND c.expires_at <= v_now
    ORDER BY c.expires_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  ), gone AS (
    DELETE FROM ${s}.contexts c USING doomed
    WHERE c.prefix = p_prefix AND c.id = doomed.id
    RETURNING 1
  )
  SELECT count(*)::integer INTO removed FROM gone;
  SELECT min(c.expires_at) INTO next_expiry
  FROM ${s}.contexts c WHERE c.prefix = p_prefix AND c.expires_at > v_now;
  server_now := v_now;
  RETURN NEXT;
END
$fn$;

-- Applies a batch of context writes, each atomic with its version and creation-time check, in
-- ONE call. p_writes: a JSON array, one object per write: i (id, hex), ev (expected version or
-- null), ec (expected creation time), r (replace), t/c/u (current turn, created, updated), ttl
-- (ms or null), m/f ([offset, length] of misc/frameworkData in p_blob, or null: keep), s
-- ([[field, turn, offset, length]...]: items to store), d ([[field, turn]...]: items to delete).
-- Returns one row per write: its 1-based position, whether it applied, the new (or, on a
-- conflict, the stored) version. Writes run in id order, so that concurrent batches take their
-- locks in one order and never deadlock; a conflict is an outcome, never an error.
CREATE OR REPLACE FUNCTION ${s}.write_contexts(
  p_prefix text, p_writes jsonb, p_blob bytea, p_sweep integer)
RETURNS TABLE (w_ord integer, w_ok boolean, w_version bigint)
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_now     bigint := ${s}.now_ms();
  w         record;
  v_row     record;
  v_live    boolean;
  v_actual  bigint;
  v_expect  bigint;
  v_expires bigint;
BEGIN
  FOR w IN
    SELECT e.ordinality::integer AS n, decode(e.value->>'i', 'hex') AS id, e.value AS v
    FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS e
    ORDER BY 2, 1
  LOOP
    w_ord := w.n;
    v_expect := (w.v->>'ev')::bigint;
    v_expires := v_now + (w.v->>'ttl')::bigint;
    LOOP
      SELECT c.version, c.created_at, c.expires_at INTO v_row
      FROM ${s}.contexts c WHERE c.prefix = p_prefix AND c.id = w.id
      FOR UPDATE;
      IF NOT FOUND THEN
        IF v_expect IS NOT NULL AND v_expect <> 0 THEN
          w_ok := false; w_version := NULL; RETURN NEXT; EXIT;
        END IF;
        INSERT INTO ${s}.contexts
          (prefix, id, version, current_turn, created_at, updated_at, expires_at, misc, framework)
        VALUES (p_prefix, w.id, 1, (w.v->>'t')::bigint, (w.v->>'c')::bigint, (w.v->>'u')::bigint,
          v_expires,
          substring(p_blob FROM (w.v->'m'->>0)::integer + 1 FOR (w.v->'m'->>1)::integer),
          substring(p_blob FROM (w.v->'f'->>0)::integer + 1 FOR (w.v->'f'->>1)::integer))
        ON CONFLICT (prefix, id) DO NOTHING;
        -- Another writer created it meanwhile: check this write against that row.
        IF NOT FOUND THEN CONTINUE; END IF;
        v_actual := NULL;
      ELSE
        v_live := v_row.expires_at IS NULL OR v_row.expires_at > v_now;
        v_actual := CASE WHEN v_live THEN v_row.version END;
        IF v_expect IS NOT NULL AND (v_expect <> coalesce(v_actual, 0)
            OR (v_expect > 0 AND v_row.created_at IS DISTINCT FROM (w.v->>'ec')::bigint)) THEN
          w_ok := false; w_version := v_actual; RETURN NEXT; EXIT;
        END IF;
        IF NOT v_live OR (w.v->>'r')::boolean THEN
          DELETE FROM ${s}.turn_items t WHERE t.prefix = p_prefix AND t.id = w.id;
        ELSIF jsonb_array_length(w.v->'d') > 0 THEN
          DELETE FROM ${s}.turn_items t
          USING jsonb_array_elements(w.v->'d') d
          WHERE t.prefix = p_prefix AND t.id = w.id
            AND t.field = (d->>0)::smallint AND t.turn_id = (d->>1)::bigint;
        END IF;
        UPDATE ${s}.contexts c SET
          version = coalesce(v_actual, 0) + 1,
          current_turn = (w.v->>'t')::bigint,
          created_at = (w.v->>'c')::bigint,
          updated_at = (w.v->>'u')::bigint,
          expires_at = v_expires,
          misc = coalesce(
            substring(p_blob FROM (w.v->'m'->>0)::integer + 1 FOR (w.v->'m'->>1)::integer), c.misc),
          framework = coalesce(
            substring(p_blob FROM (w.v->'f'->>0)::integer + 1 FOR (w.v->'f'->>1)::integer),
            c.framework)
        WHERE c.prefix = p_prefix AND c.id = w.id;
      END IF;
      IF jsonb_array_length(w.v->'s') > 0 THEN
        INSERT INTO ${s}.turn_items (prefix, id, field, turn_id, payload)
        SELECT p_prefix, w.id, (x->>0)::smallint, (x->>1)::bigint,
          substring(p_blob FROM (x->>2)::integer + 1 FOR (x->>3)::integer)
        FROM jsonb_array_elements(w.v->'s') x
        ON CONFLICT (prefix, id, field, turn_id) DO UPDATE SET payload = excluded.payload;
      END IF;
      w_ok := true; w_version := coalesce(v_actual, 0) + 1; RETURN NEXT; EXIT;
    END LOOP;
  END LOOP;
  IF p_sweep > 0 THEN
    PERFORM ${s}.sweep_expired(p_prefix, p_sweep);
  END IF;
END
$fn$;

INSERT INTO ${s}.layout (name, version) VALUES ('${LAYOUT_NAME}', ${SCHEMA_VERSION})
ON CONFLICT (name) DO UPDATE SET version = excluded.version
WHERE ${s}.layout.version < excluded.version;
`;
}

/**
 * The grants that let `role` use the layout with DML rights only (no DDL): what a DBA runs after
 * {@link schemaDdl} for the application's role.
 *
 * @throws `InvalidArgumentError` for a schema or role name that is not a plain identifier
 */
export function schemaGrants(schema: string, role: string): string {
  const s = checkIdentifier(schema);
  const r = checkIdentifier(role, 'role');
  return `GRANT USAGE ON SCHEMA ${s} TO ${r};
GRANT SELECT ON ${s}.layout TO ${r};
GRANT SELECT, INSERT, UPDATE, DELETE ON ${s}.contexts, ${s}.turn_items TO ${r};
GRANT EXECUTE ON FUNCTION ${s}.now_ms(), ${s}.load_contexts(text, text[], bigint[]),
  ${s}.sweep_expired(text, integer), ${s}.write_contexts(text, jsonb, bytea, integer) TO ${r};
`;
}
