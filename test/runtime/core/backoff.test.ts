import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExponentialBackoff } from '../../../runtime/core';

describe('ExponentialBackoff', () => {
  it('stays within [0, min(max, base * 2^n)] for every attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (base, extra, steps, r) => {
          // GIVEN a backoff advanced `steps` times
          let backoff = ExponentialBackoff.start(base, base + extra);
          for (let i = 0; i < steps; i++) backoff = backoff.next();
          // WHEN a delay is drawn
          const delay = backoff.delayMs(() => r);
          // THEN it is within the full-jitter bounds
          const ceiling = Math.min(base + extra, base * 2 ** steps);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(backoff.ceilingMs).toBe(ceiling);
        },
      ),
    );
  });

  it('is immutable: next() returns a new backoff and leaves the old one alone', () => {
    // GIVEN a backoff
    const first = ExponentialBackoff.start(100, 1000);
    // WHEN it is advanced
    const second = first.next();
    // THEN the original is unchanged
    expect(first.attempt).toBe(0);
    expect(first.ceilingMs).toBe(100);
    expect(second.attempt).toBe(1);
    expect(second.ceilingMs).toBe(200);
  });

  it('refuses max below base, naming the values', () => {
    expect(() => ExponentialBackoff.start(500, 100)).toThrow('received 500, 100');
  });
});
