import { checkIdentifier, LAYOUT_NAME } from './layout.js';

/**
 * The statements of the SQL layout for one schema. Each primitive of the driver is ONE of these
 * (one round trip). Lists travel as one JSON parameter (ids as hex, since an id may hold NUL),
 * payloads as one `bytea`, so a binding needs nothing but text and byte parameters.
 *
 * Parameters: `$1` is always the prefix.
 */
export interface LayoutStatements {
  /** `$2` ids (JSON array of hex), `$3` windows (JSON array per field, -1: all). Rows: see `parseLoadRows`. */
  readonly load: string;
  /** `$2` id (hex), `$3` fields wanted whole (JSON array of codes), `$4` [[field, turn]...]. */
  readonly loadItems: string;
  /** `$2` writes (JSON), `$3` payload blob, `$4` sweep limit. One row per write. */
  readonly write: string;
  /** `$2` ids (JSON array of hex). One row per id: `n`, `present`. */
  readonly has: string;
  /** `$2` ids (JSON array of hex). One row: `existed`, the live ones among those deleted. */
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

/** Builds the statements of schema `schema`. @throws `InvalidArgumentError` for a bad name */
export function layoutStatements(schema: string): LayoutStatements {
  const s = checkIdentifier(schema);
  const live = `(c.expires_at IS NULL OR c.expires_at > ${s}.now_ms())`;
  const idList = `SELECT decode(value, 'hex') FROM jsonb_array_elements_text($2::jsonb)`;
  return {
    // Main rows plus, per field, the items of its window: for each context and field one range
    // (prefix, id, field, turn_id) of the primary key, whatever the length of the dialog.
    load: `WITH req AS (
  SELECT r.ordinality::integer AS n, decode(r.value, 'hex') AS id
  FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS r
), hit AS (
  SELECT req.n, c.id, c.version, c.current_turn, c.created_at, c.updated_at, c.expires_at,
    c.misc, c.framework
  FROM req JOIN ${s}.contexts c ON c.prefix = $1 AND c.id = req.id
  WHERE ${live}
), win AS (
  SELECT (w.ordinality - 1)::smallint AS field, w.value::bigint AS size
  FROM jsonb_array_elements_text($3::jsonb) WITH ORDINALITY AS w
)
SELECT hit.n, NULL::smallint AS field, NULL::bigint AS turn_id, hit.misc AS payload,
  hit.framework, hit.version, hit.current_turn, hit.created_at, hit.updated_at, hit.expires_at
FROM hit
UNION ALL
SELECT hit.n, t.field, t.turn_id, t.payload, NULL, NULL, NULL, NULL, NULL, NULL
FROM hit CROSS JOIN win
JOIN ${s}.turn_items t ON t.prefix = $1 AND t.id = hit.id AND t.field = win.field
  AND t.turn_id > CASE WHEN win.size < 0 THEN -1 ELSE hit.current_turn - win.size END
  AND t.turn_id <= CASE WHEN win.size < 0 THEN 9223372036854775807 ELSE hit.current_turn END
ORDER BY 1, 2 NULLS FIRST, 3`,
    loadItems: `WITH ctx AS (
  SELECT c.id FROM ${s}.contexts c WHERE c.prefix = $1 AND c.id = decode($2, 'hex') AND ${live}
)
SELECT t.field, t.turn_id, t.payload
FROM ctx JOIN ${s}.turn_items t ON t.prefix = $1 AND t.id = ctx.id
WHERE t.field IN (SELECT value::smallint FROM jsonb_array_elements_text($3::jsonb))
UNION ALL
SELECT t.field, t.turn_id, t.payload
FROM ctx CROSS JOIN jsonb_array_elements($4::jsonb) p
JOIN ${s}.turn_items t ON t.prefix = $1 AND t.id = ctx.id
  AND t.field = (p->>0)::smallint AND t.turn_id = (p->>1)::bigint`,
    write: `SELECT w_ord, w_ok, w_version FROM ${s}.write_contexts($1, $2::jsonb, $3::bytea, $4::integer)`,
    has: `SELECT r.ordinality::integer AS n, EXISTS (
  SELECT 1 FROM ${s}.contexts c WHERE c.prefix = $1 AND c.id = decode(r.value, 'hex') AND ${live}
) AS present
FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS r`,
    // Locks in id order, like write_contexts, so that a delete and a batch never deadlock.
    delete: `WITH doomed AS (
  SELECT c.id FROM ${s}.contexts c
  WHERE c.prefix = $1 AND c.id IN (${idList})
  ORDER BY c.id FOR UPDATE
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
