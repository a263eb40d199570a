import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../runtime/ops/rate-limiter';
import { takeToken } from '../../../runtime/ops/token-bucket';

describe('token bucket', () => {
  it('allows capacity requests at once, then refills capacity/60 per second', () => {
    // GIVEN a 60/min bucket
    let state = undefined as Parameters<typeof takeToken>[0];
    // WHEN 60 requests arrive at t=0
    for (let i = 0; i < 60; i++) {
      const r = takeToken(state, 60, 0);
      expect(r.allowed).toBe(true);
      state = r.state;
    }
    // THEN the 61st is refused with Retry-After 1 s
    const refused = takeToken(state, 60, 0);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    // AND one second later one token is back
    expect(takeToken(refused.state, 60, 1000).allowed).toBe(true);
  });

  it('computes Retry-After from the refill rate', () => {
    const empty = { tokens: 0, updatedAt: 0 };
    expect(takeToken(empty, 6, 0).retryAfterSeconds).toBe(10);
  });
});

describe('RateLimiter', () => {
  it('limits per client and 0 disables it', () => {
    let now = 0;
    const limiter = new RateLimiter({ requestsPerMinute: 2, now: () => now });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
    now = 30_000;
    expect(limiter.take('a').allowed).toBe(true);
    const off = new RateLimiter({ requestsPerMinute: 0 });
    for (let i = 0; i < 100; i++) expect(off.take('x').allowed).toBe(true);
  });

  it('keeps its bucket map bounded', () => {
    // GIVEN a limiter holding at most 100 clients
    const limiter = new RateLimiter({ requestsPerMinute: 10, maxClients: 100, now: () => 0 });
    // WHEN 1000 distinct clients call
    for (let i = 0; i < 1000; i++) limiter.take(`client-${i}`);
    // THEN no more than 100 buckets remain
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});
