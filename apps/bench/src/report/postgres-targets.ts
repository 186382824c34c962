import type { BenchResults, PerTurnResult, TargetCheck } from '../results.js';
import { formatCount, formatMs, formatRatio } from './format.js';
import { check, flatCostCheck } from './targets.js';

type Figures = Pick<BenchResults, 'perTurn'>;

/** The adapter targets of the SQL layout and the client each reports under. */
export const SQL_ADAPTERS = [
  { target: 'postgres', client: 'pg' },
  { target: 'pglite', client: 'pglite' },
] as const;
/** The baselines the postgres adapter is compared with, on its server. */
export const WHOLE_JSONB = 'whole-context JSONB (pg)';
export const KEYV_POSTGRES = 'keyv-postgres';
/** The dialog length of the comparison with Keyv over @keyv/postgres. */
export const KEYV_LENGTH = 1_000;

function row(results: Figures, target: string, length: number): PerTurnResult | undefined {
  return results.perTurn.find(
    (candidate) => candidate.target === target && candidate.length === length,
  );
}

function p50(results: Figures, target: string, length: number): number {
  return row(results, target, length)?.turn.p50 ?? Number.NaN;
}

/** The dialog lengths measured for `target`, shortest first. */
export function lengthsOf(results: Figures, target: string): number[] {
  return results.perTurn
    .filter((candidate) => candidate.target === target)
    .map((candidate) => candidate.length)
    .sort((a, b) => a - b);
}

/** `1 / 1 at 10, 1 / 1 at 100...`: statements per load and per save of a target at each length. */
export function statementsByLength(results: Figures, target: string): string {
  return lengthsOf(results, target)
    .map((length) => {
      const counted = row(results, target, length)?.statements;
      return counted == null
        ? `? at ${formatCount(length)}`
        : `${formatCount(counted.perLoad, 2)} / ${formatCount(counted.perSave, 2)} at ${formatCount(length)}`;
    })
    .join(', ');
}

/**
 * The three PostgreSQL targets from the figures of one run: per binding (node-postgres on
 * the server, PGlite), the p50 per-turn cost at the longest dialog over the shortest (at most
 * 1.3x) and the most statements per load or per save at any length (at most 1); on the server,
 * Keyv over @keyv/postgres's p50 per turn over the adapter's at 1,000 turns (at least 10x).
 * Reported, never asserted.
 */
export function evaluatePostgresTargets(results: Figures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const wholeLengths = lengthsOf(results, WHOLE_JSONB);
  const wholeGrowth =
    p50(results, WHOLE_JSONB, wholeLengths.at(-1) ?? 0) /
    p50(results, WHOLE_JSONB, wholeLengths[0] ?? 0);
  for (const { target, client } of SQL_ADAPTERS) {
    const lengths = lengthsOf(results, target);
    if (lengths.length === 0) continue;
    checks.push(
      flatCostCheck(
        client,
        lengths.map((length) => ({ length, value: p50(results, target, length) })),
        `whole-context JSONB baseline (server) grows ${formatRatio(wholeGrowth)}`,
      ),
    );
    if (target === 'postgres') {
      const adapter = p50(results, target, KEYV_LENGTH);
      const keyv = p50(results, KEYV_POSTGRES, KEYV_LENGTH);
      const others = lengthsOf(results, KEYV_POSTGRES)
        .map(
          (length) =>
            `${formatRatio(p50(results, KEYV_POSTGRES, length) / p50(results, target, length))} at ${formatCount(length)}`,
        )
        .join(', ');
      checks.push(
        check({
          id: 'keyv-speedup',
          client,
          goal: `at ${formatCount(KEYV_LENGTH)} turns, at least 10x faster than Keyv over @keyv/postgres on the same server`,
          ratio: keyv / adapter,
          threshold: 10,
          comparison: '>=',
          figures: `p50 ${formatMs(adapter)} vs ${formatMs(keyv)} per turn; Keyv / adapter ${others} turns`,
        }),
      );
    }
    const counted = lengths.map((length) => row(results, target, length)?.statements);
    const worst = Math.max(
      ...counted.map((statements) =>
        statements == null ? Number.NaN : Math.max(statements.perLoad, statements.perSave),
      ),
    );
    const source = counted.find((statements) => statements != null)?.source ?? 'no count';
    checks.push(
      check({
        id: 'statements',
        client,
        goal: 'one statement per load and one per save, at every dialog length',
        ratio: worst,
        threshold: 1,
        comparison: '<=',
        figures: `statements per load / per save: ${statementsByLength(results, target)} turns (${source})`,
      }),
    );
  }
  return checks;
}
