import { describe, expect, it } from 'vitest';
import { percentile, sample, summarize } from '../src/sampling.js';

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4, 5], 100)).toBe(5);
    expect(percentile([7], 99)).toBe(7);
    const hundredOne = Array.from({ length: 101 }, (_, index) => index);
    expect(percentile(hundredOne, 99)).toBe(99);
  });

  it('refuses an empty series and out-of-range percentiles', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes a series', () => {
    expect(summarize([1, 2, 3])).toEqual({ n: 3, p50: 2, p99: 2.98, mean: 2 });
  });
});

describe('sample', () => {
  it('warms up, then takes at most max samples', async () => {
    const calls: number[] = [];
    const timings = await sample({ warmup: 2, min: 1, max: 5, budgetMs: 10_000 }, async (index) => {
      calls.push(index);
    });
    expect(timings).toHaveLength(5);
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('runs beforeTimed once, after the warm-up and before the first timed run', async () => {
    const events: string[] = [];
    const timings = await sample(
      { warmup: 2, min: 1, max: 2, budgetMs: 10_000 },
      async (index) => {
        events.push(`run ${index}`);
      },
      async () => {
        events.push('timed from here');
      },
    );
    expect(timings).toHaveLength(2);
    expect(events).toEqual(['run 0', 'run 1', 'timed from here', 'run 2', 'run 3']);
  });

  it('takes at least min samples whatever the budget', async () => {
    const timings = await sample({ warmup: 0, min: 3, max: 100, budgetMs: 0 }, async () => {});
    expect(timings).toHaveLength(3);
  });
});
