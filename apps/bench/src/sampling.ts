import { performance } from 'node:perf_hooks';

/** Percentiles of a series of timings, in ms. */
export interface Timing {
  /** Number of timed samples. */
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

/**
 * The `p`-th percentile (0-100) of `values` by linear interpolation between closest ranks (the
 * method of numpy's default): p50 of [1, 2, 3, 4] is 2.5. With fewer than 100 values, p99 lies
 * between the two largest. Cost: one sort of a copy.
 *
 * @throws `RangeError` for an empty series or `p` outside 0-100
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty series');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0-100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/**
 * p50, p99 and mean of a series of timings.
 *
 * @throws `RangeError` for an empty series
 */
export function summarize(values: readonly number[]): Timing {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
  };
}

/** How long a measurement may run and how many samples it takes. */
export interface SamplePlan {
  /** Untimed runs first (fewer when they exceed a quarter of the budget). */
  warmup: number;
  /** At least this many timed samples, whatever the budget. */
  min: number;
  /** At most this many timed samples. */
  max: number;
  /** Stop taking samples after this many ms, once `min` are taken. */
  budgetMs: number;
}

/**
 * Times `run(i)` for i = 0, 1, ... as `plan` says: a warm-up, then samples until `max` are
 * taken or the budget is spent (never fewer than `min`). `beforeTimed` runs (untimed) between
 * the warm-up and the first sample, so that counters it starts see the timed runs only.
 * Resolves the timings in ms, in order.
 */
export async function sample(
  plan: SamplePlan,
  run: (index: number) => Promise<unknown>,
  beforeTimed?: () => Promise<void>,
): Promise<number[]> {
  let index = 0;
  const warmEnd = performance.now() + plan.budgetMs / 4;
  for (let done = 0; done < plan.warmup && performance.now() < warmEnd; done++) await run(index++);
  await beforeTimed?.();
  const timings: number[] = [];
  const end = performance.now() + plan.budgetMs;
  while (timings.length < plan.max && (timings.length < plan.min || performance.now() < end)) {
    const start = performance.now();
    await run(index++);
    timings.push(performance.now() - start);
  }
  return timings;
}

/** Times one call, in ms. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}
