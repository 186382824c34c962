import { DEFAULT_SCHEMA, layoutStatements } from '@context-storage/postgres';

/** Statements counted over a block of work: calls per statement label, and their server time. */
export interface StatementTally {
  /** Calls of each statement (see {@link statementLabel}). */
  calls: Record<string, number>;
  /** Execution time on the server, ms (`null`: not known, as inside PGlite). */
  serverMs: number | null;
}

/** Where statements are counted: on the server, or in a wrapper of the adapter's query interface. */
export type StatementSource = 'pg_stat_statements' | 'SqlClient wrapper';

/** Counts the SQL statements a block of work runs. Nothing else may use the database meanwhile. */
export interface StatementMeter {
  readonly source: StatementSource;
  /** Runs `block` and resolves the statements it ran (top-level statements only). */
  measure(block: () => Promise<void>): Promise<StatementTally>;
}

/** What a target needs so that its statements are counted: the meter, and a load alone. */
export interface StatementCounting {
  readonly meter: StatementMeter;
  /** Loads the dialog `id` the way a turn does (the first half of a turn). */
  load(id: string): Promise<unknown>;
}

/** SQL statements of one turn of a target, averaged over the loads and turns counted. */
export interface TurnStatements {
  source: StatementSource;
  /** Loads counted, then as many turns. */
  turns: number;
  /** Statements per load alone. */
  perLoad: number;
  /** Statements per save: per turn less per load. */
  perSave: number;
  /** Statements per turn (load + save). */
  perTurn: number;
  /** Calls per turn of each statement, by label. */
  statements: Record<string, number>;
  /** Server execution time per turn, µs (`null` when the source cannot tell). */
  serverMicros: number | null;
}

/** The statements of the SQL layout, by their text with spaces collapsed. */
const LAYOUT_LABELS = new Map(
  Object.entries(layoutStatements(DEFAULT_SCHEMA)).map(([name, text]) => [
    collapse(text),
    `layout ${name}`,
  ]),
);
const LABEL_LENGTH = 64;

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * What a reader sees of a statement: `layout load`, `layout write`... for the statements of the
 * SQL layout (schema `context_storage`), else its text with spaces collapsed, cut at 64
 * characters.
 */
export function statementLabel(text: string): string {
  const flat = collapse(text);
  const layout = LAYOUT_LABELS.get(flat);
  if (layout !== undefined) return layout;
  return flat.length <= LABEL_LENGTH ? flat : `${flat.slice(0, LABEL_LENGTH - 1)}…`;
}

function total(tally: StatementTally): number {
  return Object.values(tally.calls).reduce((sum, calls) => sum + calls, 0);
}

/**
 * Counts the statements of `turns` loads (`counting.load`), then of `turns` whole turns (`turn`),
 * each under the meter: per load, per turn, and per save as their difference.
 */
export async function countStatements(
  counting: StatementCounting,
  turns: number,
  next: () => string,
  turn: () => Promise<void>,
): Promise<TurnStatements> {
  const loads = await counting.meter.measure(async () => {
    for (let index = 0; index < turns; index++) await counting.load(next());
  });
  const whole = await counting.meter.measure(async () => {
    for (let index = 0; index < turns; index++) await turn();
  });
  const perLoad = total(loads) / turns;
  const perTurn = total(whole) / turns;
  return {
    source: counting.meter.source,
    turns,
    perLoad,
    perSave: perTurn - perLoad,
    perTurn,
    statements: Object.fromEntries(
      Object.entries(whole.calls).map(([label, calls]) => [label, calls / turns]),
    ),
    serverMicros: whole.serverMs === null ? null : (whole.serverMs * 1000) / turns,
  };
}
