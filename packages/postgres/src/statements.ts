import { checkIdentifier, LAYOUT_NAME } from './layout.js';

/**
 * The statements of the SQL layout for one schema. Each primitive of the driver is ONE of these
 * (one round trip). Lists travel as array literals in text parameters (`{6869,...}`: ids as hex,
 * since an id may hold NUL), which the server parses as arrays at bind time, so the planner knows
 * their length (`unnest` of a constant); payloads travel as one `bytea`. A binding therefore needs
 * nothing but text and byte parameters. Every lookup is a LATERAL subquery behind `OFFSET 0`, so
 * that it stays a primary-key lookup or range per id, never a join that reads a whole prefix.
 *
 * Parameters: `$1` is always the prefix.
 */
export interface LayoutStatements {
  /** `$2` ids (text[] of hex), `$3` windows (bigint[], one per field, -1: all). Rows: see `parseLoadRows`. */
  readonly load: string;
  /** `$2` id (hex), `$3` fields wanted whole (smallint[]), `$4` fields and `$5` turn ids of single items. */
  readonly loadItems: string;
  /** `$2` writes (JSON), `$3` payload blob, `$4` sweep limit. One row per write. */
  readonly write: string;
  /** `$2` ids (text[] of hex). One row per id: `n`, `present`. */
  readonly has: string;
  /** `$2` ids (text[] of hex). One row: `existed`, the live ones among those deleted. */
  readonly delete: string;
  /** One row: `n`. */
  readonly count: string;
  /** `$2` cursor (hex of the last id, or NULL), `$3` limit. Rows: `id`, in byte order. */
  readonly listIds: string;
  /** Deletes every context of the prefix (their items by cascade). */
  readonly clear: string;
  /** `$2` limit. One row: `removed`, `next_expiry`, `server_now`. */
  readonly sweep: string;
  /** No parameter. One row: `version` of the recorded layout. */
  readonly layoutVersion: string;
}

/**
 * The query of `load_contexts` (see the DDL), with the SQL expressions of its three inputs: main
 * rows plus, per field, the items of its window: for each context and field ONE range (prefix,
 * id, field, turn_id) of the primary key, whatever the length of the dialog. Run inside a PL/pgSQL
 * function so that each connection plans it once, not at every load (planning cost ~4x its
 * execution here).
 */
export function loadQuery(schema: string, prefix: string, ids: string, windows: string): string {
  const s = checkIdentifier(schema);
  const live = `(c.expires_at IS NULL OR c.expires_at > ${s}.now_ms())`;
  return `WITH hit AS (
  SELECT r.ordinality::integer AS n, c.*
  FROM unnest(${ids}) WITH ORDINALITY AS r (hex, ordinality)
  CROSS JOIN LATERAL (
    SELECT c.id, c.version, c.current_turn, c.created_at, c.updated_at, c.expires_at, c.misc,
      c.framework
    FROM ${s}.contexts c
    WHERE c.prefix = ${prefix} AND c.id = decode(r.hex, 'hex') AND ${live}
    OFFSET 0
  ) c
), win AS (
  SELECT (w.ordinality - 1)::smallint AS field, w.size
  FROM unnest(${windows}) WITH ORDINALITY AS w (size, ordinality)
)
SELECT hit.n, NULL::smallint AS field, NULL::bigint AS turn_id, hit.misc AS payload,
  hit.framework, hit.version, hit.current_turn, hit.created_at, hit.updated_at, hit.expires_at
FROM hit
UNION ALL
SELECT hit.n, t.field, t.turn_id, t.payload, NULL, NULL, NULL, NULL, NULL, NULL
FROM hit CROSS JOIN win CROSS JOIN LATERAL (
  SELECT t.field, t.turn_id, t.payload FROM ${s}.turn_items t
  WHERE t.prefix = ${prefix} AND t.id = hit.id AND t.field = win.field
    AND t.turn_id > CASE WHEN win.size < 0 THEN -1 ELSE hit.current_turn - win.size END
    AND t.turn_id <= CASE WHEN win.size < 0 THEN 9223372036854775807 ELSE hit.current_turn END
  OFFSET 0
) t
ORDER BY 1, 2 NULLS FIRST, 3`;
}

/** Builds the statements of schema `schema`. @throws `InvalidArgumentError` for a bad name */
export function layoutStatements(schema: string): LayoutStatements {
  const s = checkIdentifier(schema);
  const live = `(c.expires_at IS NULL OR c.expires_at > ${s}.now_ms())`;
  return {
    load: `SELECT n, field, turn_id, payload, framework, version, current_turn, created_at,
  updated_at, expires_at
FROM ${s}.load_contexts($1, $2::text[], $3::bigint[])`,
    loadItems: `WITH ctx AS (
  SELECT c.id FROM ${s}.contexts c WHERE c.prefix = $1 AND c.id = decode($2, 'hex') AND ${live}
)
SELECT t.field, t.turn_id, t.payload
FROM ctx CROSS JOIN unnest($3::smallint[]) AS f (field) CROSS JOIN LATERAL (
  SELECT t.field, t.turn_id, t.payload FROM ${s}.turn_items t
  WHERE t.prefix = $1 AND t.id = ctx.id AND t.field = f.field
  OFFSET 0
) t
UNION ALL
SELECT t.field, t.turn_id, t.payload
FROM ctx CROSS JOIN unnest($4::smallint[], $5::bigint[]) AS p (field, turn_id) CROSS JOIN LATERAL (
  SELECT t.field, t.turn_id, t.payload FROM ${s}.turn_items t
  WHERE t.prefix = $1 AND t.id = ctx.id AND t.field = p.field AND t.turn_id = p.turn_id
  OFFSET 0
) t`,
    write: `SELECT w_ord, w_ok, w_version FROM ${s}.write_contexts($1, $2::jsonb, $3::bytea, $4::integer)`,
    has: `SELECT r.ordinality::integer AS n, EXISTS (
  SELECT 1 FROM ${s}.contexts c WHERE c.prefix = $1 AND c.id = decode(r.hex, 'hex') AND ${live}
) AS present
FROM unnest($2::text[]) WITH ORDINALITY AS r (hex, ordinality)`,
    // Locks in id order, like write_contexts, so that a delete and a batch never deadlock.
    delete: `WITH doomed AS (
  SELECT c.id
  FROM (SELECT DISTINCT decode(hex, 'hex') AS id FROM unnest($2::text[]) AS r (hex) ORDER BY 1) r
  CROSS JOIN LATERAL (
    SELECT c.id FROM ${s}.contexts c WHERE c.prefix = $1 AND c.id = r.id FOR UPDATE
  ) c
), gone AS (
  DELETE FROM ${s}.contexts c USING doomed WHERE c.prefix = $1 AND c.id = doomed.id
  RETURNING c.expires_at
)
SELECT count(*) FILTER (WHERE expires_at IS NULL OR expires_at > ${s}.now_ms())::integer AS existed
FROM gone`,
    count: `SELECT count(*)::bigint AS n FROM ${s}.contexts c WHERE c.prefix = $1 AND ${live}`,
    listIds: `SELECT c.id FROM ${s}.contexts c
WHERE c.prefix = $1 AND c.id > coalesce(decode($2, 'hex'), ''::bytea) AND ${live}
ORDER BY c.id LIMIT $3::integer`,
    clear: `DELETE FROM ${s}.contexts c WHERE c.prefix = $1`,
    sweep: `SELECT removed, next_expiry, server_now FROM ${s}.sweep_expired($1, $2::integer)`,
    layoutVersion: `SELECT version FROM ${s}.layout WHERE name = '${LAYOUT_NAME}'`,
  };
}
