import { describe, expect, it } from 'vitest';
import { percentile, ratio, round, summarize } from '../../bench/lib/stats';

describe('percentile', () => {
  it('uses the nearest rank of the sorted samples', () => {
    // GIVEN 1..100 in shuffled order
    const samples = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    // WHEN / THEN
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
  });

  it('returns the single sample for any percentile of one sample', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('returns NaN without samples and refuses a percentile outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow('percentile must be between 0 and 100 (received 101)');
  });
});

describe('summarize', () => {
  it('gives p50, p90, p99, max and mean', () => {
    // GIVEN ten samples 1..10
    const samples = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    // WHEN
    const s = summarize(samples);
    // THEN
    expect(s).toEqual({ count: 10, p50: 5, p90: 9, p99: 10, max: 10, mean: 5.5 });
  });

  it('gives NaN fields for no samples', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
  });
});

describe('round and ratio', () => {
  it('rounds to the digits asked and divides safely', () => {
    expect(round(1.23456, 2)).toBe(1.23);
    expect(ratio(1, 3, 3)).toBe(0.333);
    expect(ratio(1, 0)).toBeNaN();
  });
});
