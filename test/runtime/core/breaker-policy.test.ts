import { describe, expect, it } from 'vitest';
import { AnyBreaker, ConsecutiveBreaker, SamplingBreaker, type BreakerPolicy } from '../../../runtime/core';

describe('breaker policies', () => {
  it('a consecutive policy opens at its threshold and a success starts the count over', () => {
    // GIVEN a threshold of 2
    const policy = new ConsecutiveBreaker(2);
    // WHEN a failure, a success, then two failures are told
    expect(policy.failure()).toBe(false);
    policy.success();
    expect(policy.failure()).toBe(false);
    // THEN the second failure in a row opens
    expect(policy.failure()).toBe(true);
    expect(policy.consecutiveFailures).toBe(2);
  });

  it('a sampling policy starts a fresh window on the success that closes a half-open breaker', () => {
    // GIVEN a window with 1 failure in 2 calls
    const policy = new SamplingBreaker({ threshold: 0.5, windowMs: 10_000, minimumCalls: 4 });
    policy.success(1000, 'closed');
    policy.failure(1000);
    expect(policy.errorRate(1000)).toBe(0.5);
    // WHEN the success that closes a half-open breaker is told
    policy.success(1000, 'half_open');
    // THEN nothing is counted any more
    expect(policy.errorRate(1000)).toBe(0);
  });

  it('a composed policy tells every policy every call and opens when any says so', () => {
    // GIVEN two policies that count what they are told
    const told: string[] = [];
    const counting = (name: string, opensOn: number): BreakerPolicy => {
      let failures = 0;
      return {
        success: () => told.push(`${name}:ok`),
        failure: () => {
          told.push(`${name}:fail`);
          failures += 1;
          return failures >= opensOn;
        },
      };
    };
    const policy = new AnyBreaker([counting('a', 1), counting('b', 2)]);
    // WHEN a failure is told (the first policy opens at once)
    const opens = policy.failure(0, 'closed');
    policy.success(0, 'closed');
    // THEN it opens, and the second policy heard the failure as well
    expect(opens).toBe(true);
    expect(told).toEqual(['a:fail', 'b:fail', 'a:ok', 'b:ok']);
  });
});
