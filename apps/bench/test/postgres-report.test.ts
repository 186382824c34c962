import { describe, expect, it } from 'vitest';
import { statementsTable } from '../src/report/per-turn.js';
import { explainPostgresLimit } from '../src/report/postgres-limits.js';
import { evaluatePostgresTargets } from '../src/report/postgres-targets.js';
import type { PerTurnResult } from '../src/results.js';
import type { TurnStatements } from '../src/statements.js';
import type { ClientName, TargetKind } from '../src/targets/target.js';

const timing = (p50: number) => ({ n: 10, p50, p99: p50 * 2, mean: p50 });

function statements(perLoad: number, perSave: number, serverMicros: number | null): TurnStatements {
  return {
    source: serverMicros === null ? 'SqlClient wrapper' : 'pg_stat_statements',
    turns: 3,
    perLoad,
    perSave,
    perTurn: perLoad + perSave,
    statements: { 'layout load': perLoad, 'layout write': perSave },
    serverMicros,
  };
}

function rows(
  target: string,
  kind: TargetKind,
  client: ClientName | null,
  costs: number[],
  counts: (length: number) => TurnStatements,
): PerTurnResult[] {
  return [10, 100, 1_000, 10_000].map((length, index) => ({
    target,
    kind,
    client,
    length,
    turn: timing(costs[index]!),
    traffic: null,
    statements: counts(length),
  }));
}

const figures = {
  perTurn: [
    ...rows('postgres', 'adapter', 'pg', [2, 2, 2.2, 2.4], () => statements(1, 1, 1_200)),
    ...rows('keyv-postgres', 'adapter', null, [2, 8, 55, 900], () => statements(1, 2, 500)),
    ...rows('whole-context JSONB (pg)', 'whole-context', 'pg', [1, 10, 70, 1_000], () =>
      statements(1, 1, 400),
    ),
    // A save that took two statements at 10,000 turns must fail the statements target.
    ...rows('pglite', 'adapter', 'pglite', [5, 5, 6, 8], (length) =>
      statements(1, length === 10_000 ? 2 : 1, null),
    ),
  ],
};

describe('evaluatePostgresTargets', () => {
  it('gives the three targets per binding from ratios within the run', () => {
    const checks = evaluatePostgresTargets(figures);
    expect(checks.map((check) => `${check.id} ${check.client}`)).toEqual([
      'flat-cost pg',
      'keyv-speedup pg',
      'statements pg',
      'flat-cost pglite',
      'statements pglite',
    ]);
    const [flat, keyv, counted, liteFlat, liteCounted] = checks;
    expect(flat).toMatchObject({ met: true, comparison: '<=', threshold: 1.3 });
    expect(flat!.ratio).toBeCloseTo(1.2);
    expect(flat!.figures).toContain('whole-context JSONB baseline (server) grows 1000.00x');
    expect(keyv).toMatchObject({ met: true, comparison: '>=', threshold: 10 });
    expect(keyv!.ratio).toBeCloseTo(25);
    expect(counted).toMatchObject({ met: true, ratio: 1 });
    expect(counted!.figures).toContain('1 / 1 at 10,000');
    expect(liteFlat).toMatchObject({ met: false });
    expect(liteFlat!.ratio).toBeCloseTo(1.6);
    expect(liteCounted).toMatchObject({ met: false, ratio: 2 });
    expect(liteCounted!.figures).toContain('1 / 2 at 10,000 turns (SqlClient wrapper)');
  });

  it('explains each target with the figures of the run', () => {
    const [flat, keyv, counted] = evaluatePostgresTargets(figures);
    expect(explainPostgresLimit(flat!, figures)).toContain(
      'The server spent 1.20 ms per turn executing them at 10 turns and 1.20 ms at 10,000',
    );
    expect(explainPostgresLimit(keyv!, figures)).toContain('1 statement per load and 2 per save');
    expect(explainPostgresLimit(counted!, figures)).toContain(
      'Keyv over @keyv/postgres 1 / 2 at 10, 1 / 2 at 100',
    );
  });
});

describe('statementsTable', () => {
  it('shows load + save per length, server time where known, and the statements of a turn', () => {
    const table = statementsTable(figures);
    expect(table).toContain('| postgres | 1 + 1; 1.20 ms on the server |');
    expect(table).toContain('| pglite | 1 + 1 | 1 + 1 | 1 + 1 | 1 + 2 |');
    expect(table).toContain(
      '- **pglite** (SqlClient wrapper, 10,000 turns): `layout load` ×1, `layout write` ×2',
    );
  });
});
