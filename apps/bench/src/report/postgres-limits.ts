import type { BenchResults, TargetCheck } from '../results.js';
import type { TurnStatements } from '../statements.js';
import { formatCount, formatMs } from './format.js';
import {
  KEYV_LENGTH,
  KEYV_POSTGRES,
  lengthsOf,
  statementsByLength,
  WHOLE_JSONB,
} from './postgres-targets.js';

type Figures = Pick<BenchResults, 'perTurn'>;

function counted(
  results: Figures,
  target: string,
  length: number,
): TurnStatements | null | undefined {
  return results.perTurn.find((row) => row.target === target && row.length === length)?.statements;
}

const serverTime = (statements: TurnStatements | null | undefined) =>
  statements?.serverMicros == null ? '? ms' : formatMs(statements.serverMicros / 1000);

/**
 * What limits the figure of a PostgreSQL or PGlite target, in a few sentences quoting the run's
 * own statement counts and server times: the reasons are those of the layout and of the
 * baselines' designs, the numbers those measured.
 */
export function explainPostgresLimit(check: TargetCheck, results: Figures): string {
  const target = check.client === 'pglite' ? 'pglite' : 'postgres';
  const lengths = lengthsOf(results, target);
  const shortest = lengths[0] ?? 0;
  const longest = lengths.at(-1) ?? 0;
  switch (check.id) {
    case 'flat-cost': {
      if (target === 'pglite') {
        return [
          'The same SQL layout and the same two statements per turn as on the server, run by PostgreSQL compiled to WASM inside the Node process: no network and no server process, but one statement at a time and WASM speed.',
          " `load_contexts` reads the main row and, per field, one range of the primary key of `turn_items` (the latest 3 items), `write_contexts` locks the main row, updates it and inserts 3 items: as many rows at every length, never the dialog's history. PGlite has no server-side statistics here, so its time is not split between the engine and Node.",
        ].join('');
      }
      const whole = counted(results, WHOLE_JSONB, lengthsOf(results, WHOLE_JSONB).at(-1) ?? 0);
      return [
        `A turn is the same two statements at every length: \`load_contexts\` reads the main row and, per field, one range of the primary key of \`turn_items\` (the latest 3 items), \`write_contexts\` locks the main row, checks the version, updates it and inserts the turn's 3 items.`,
        ` The server spent ${serverTime(counted(results, target, shortest))} per turn executing them at ${formatCount(shortest)} turns and ${serverTime(counted(results, target, longest))} at ${formatCount(longest)} (pg_stat_statements), against ${serverTime(whole)} for the whole-context JSONB baseline at ${formatCount(longest)}, which parses, rewrites and WAL-logs the whole document every turn.`,
        ' The rest of a turn is two round trips on loopback and the library in Node; on this 2-core machine the server, Node and other jobs share the CPUs, so a few tens of percent either way is noise.',
      ].join('');
    }
    case 'keyv-speedup': {
      const keyv = counted(results, KEYV_POSTGRES, KEYV_LENGTH);
      const adapter = counted(results, target, KEYV_LENGTH);
      return [
        `@keyv/postgres stores the whole context as one JSON text value (\`value TEXT\`), and Keyv has no conditional write: a turn loads the value, and the save reads it again to check the version before writing all of it back (${formatCount(keyv?.perLoad ?? Number.NaN, 2)} statement per load and ${formatCount(keyv?.perSave ?? Number.NaN, 2)} per save, counted).`,
        ` At ${formatCount(KEYV_LENGTH)} turns that is every turn's payload read twice, parsed, serialized and written again (the server spent ${serverTime(keyv)} per turn on its statements, against ${serverTime(adapter)} for the adapter's two), and the cost grows with the dialog; the adapter reads a fixed window and writes only the new turn.`,
      ].join('');
    }
    case 'statements': {
      const how =
        target === 'pglite'
          ? "counted by a wrapper of the adapter's query interface (`SqlClient`: each `query` is one statement and one round trip)"
          : "counted on the server by `pg_stat_statements` (top-level statements of the bench database only, the extension's default `track = top`)";
      return [
        `A load is one call of \`load_contexts\` and a save one call of \`write_contexts\` (server-side functions of the layout, so that the work of a save runs inside one statement, atomic with its version check), ${how}.`,
        ` Beside it, per load / per save: the whole-context JSONB baseline ${statementsByLength(results, WHOLE_JSONB)} turns; Keyv over @keyv/postgres ${statementsByLength(results, KEYV_POSTGRES)} turns.`,
      ].join('');
    }
    default:
      return '';
  }
}
