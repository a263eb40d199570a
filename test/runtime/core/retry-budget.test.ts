import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../runtime/core';

describe('RetryBudget', () => {
  it('always allows minPerSecond retries per second over the window, even without requests', () => {
    // GIVEN a budget of 10/s over 10 s with ratio 0
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 10, windowMs: 10_000 });
    // WHEN 150 retries are asked for at one instant
    let allowed = 0;
    for (let i = 0; i < 150; i++) if (budget.tryAcquireRetry(5_000)) allowed++;
    // THEN 100 (10/s × 10 s) are allowed
    expect(allowed).toBe(100);
  });

  it('caps retries at ratio × requests under a sustained outage', () => {
    // GIVEN ratio 0.2 and no floor
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 0, windowMs: 10_000 });
    // WHEN 1000 requests each want a retry within one second
    let allowed = 0;
    for (let i = 0; i < 1000; i++) {
      budget.recordRequest(1_000);
      if (budget.tryAcquireRetry(1_000)) allowed++;
    }
    // THEN retries add at most 20 % load
    expect(allowed).toBe(200);
    expect(budget.totals(1_000)).toEqual({ requests: 1000, retries: 200 });
  });

  it('uses the larger of the floor and the ratio, never their sum (defaults: 10/s, 20 %)', () => {
    // GIVEN the default budget: at least 10 retries/s over 10 s, otherwise 20 % of requests
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 10, windowMs: 10_000 });
    // WHEN 1000 requests arrive in one second, each wanting a retry
    let allowed = 0;
    for (let i = 0; i < 1000; i++) {
      budget.recordRequest(1_000);
      if (budget.tryAcquireRetry(1_000)) allowed++;
    }
    // THEN retries are capped at max(100, 200) = 200, not 100 + 200
    expect(allowed).toBe(200);
    // AND with few requests the floor of 100 holds
    const quiet = new RetryBudget({ ratio: 0.2, minPerSecond: 10, windowMs: 10_000 });
    for (let i = 0; i < 50; i++) quiet.recordRequest(1_000);
    let quietAllowed = 0;
    for (let i = 0; i < 150; i++) if (quiet.tryAcquireRetry(1_000)) quietAllowed++;
    expect(quietAllowed).toBe(100);
  });

  it('refills as old seconds leave the window', () => {
    // GIVEN a spent budget
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 1, windowMs: 2_000 });
    expect(budget.tryAcquireRetry(0)).toBe(true);
    expect(budget.tryAcquireRetry(0)).toBe(true);
    expect(budget.tryAcquireRetry(500)).toBe(false);
    // WHEN the window moves on
    // THEN retries are allowed again
    expect(budget.tryAcquireRetry(2_100)).toBe(true);
  });

  it('refuses a ratio outside 0..1, naming the value', () => {
    expect(() => new RetryBudget({ ratio: 2, minPerSecond: 1 })).toThrow('received 2, 1');
  });
});
