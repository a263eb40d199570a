import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnyBreaker, CircuitBreaker, ConsecutiveBreaker, SamplingBreaker, type BreakerPermit } from '../../../runtime/core';

interface BreakerKnobs {
  threshold: number;
  halfOpen: number;
  recoveryMs: number;
  maxMs: number;
  multiplier: number;
  rate: number;
  minCalls: number;
}

/** A breaker on the fake clock (consecutive and sampling policies), recording transitions. */
function makeBreaker(overrides: Partial<BreakerKnobs> = {}) {
  const transitions: string[] = [];
  const consecutive = new ConsecutiveBreaker(overrides.threshold ?? 3);
  const sampling = new SamplingBreaker({ threshold: overrides.rate ?? 0.5, windowMs: 10_000, minimumCalls: overrides.minCalls ?? 20 });
  const breaker = new CircuitBreaker({
    policy: new AnyBreaker([consecutive, sampling]),
    recoveryTimeoutMs: overrides.recoveryMs ?? 1000,
    maxRecoveryTimeoutMs: overrides.maxMs ?? 8000,
    openBackoffMultiplier: overrides.multiplier ?? 2,
    halfOpenMaxCalls: overrides.halfOpen ?? 2,
    random: () => 0.5, // jitter factor 1.0
  });
  breaker.onStateChange(({ from, to }) => transitions.push(`${from}>${to}`));
  return { breaker, transitions, consecutive, sampling };
}

const fail = (b: CircuitBreaker): void => b.onFailure(Date.now(), b.tryAcquire(Date.now())!);
const succeed = (b: CircuitBreaker): void => b.onSuccess(Date.now(), b.tryAcquire(Date.now())!);

describe('CircuitBreaker', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens after N consecutive failures, and a success resets the count', () => {
    // GIVEN a breaker with threshold 3
    const { breaker, transitions, consecutive } = makeBreaker();
    // WHEN 2 failures, a success, then 3 failures happen
    fail(breaker);
    fail(breaker);
    succeed(breaker);
    expect(breaker.state).toBe('closed');
    fail(breaker);
    fail(breaker);
    expect(consecutive.consecutiveFailures).toBe(2);
    fail(breaker);
    // THEN it is open and refuses calls
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed>open']);
    expect(breaker.tryAcquire(Date.now())).toBeNull();
    expect(breaker.openUntil).toBe(Date.now() + 1000);
  });

  it('opens on the failure rate over the window once the minimum call count is reached', () => {
    // GIVEN threshold 100 (never by count) and rate 0.5 over >= 10 calls
    const { breaker } = makeBreaker({ threshold: 100, minCalls: 10 });
    // WHEN successes and failures alternate
    for (let i = 0; i < 4; i++) {
      succeed(breaker);
      fail(breaker);
    }
    expect(breaker.state).toBe('closed'); // 8 calls < minimum
    succeed(breaker);
    fail(breaker);
    // THEN at 10 calls with 50 % failures it opens
    expect(breaker.state).toBe('open');
  });

  it('forgets failures that left the sliding window', () => {
    // GIVEN 8 calls, half failed, in the window (rate rule 0.5, minimum 10)
    const { breaker, sampling } = makeBreaker({ threshold: 100, minCalls: 10 });
    for (let i = 0; i < 4; i++) {
      fail(breaker);
      succeed(breaker);
    }
    expect(sampling.errorRate(Date.now())).toBe(0.5);
    // WHEN the window passes and two more calls (one failed) arrive
    vi.advanceTimersByTime(11_000);
    expect(sampling.errorRate(Date.now())).toBe(0);
    succeed(breaker);
    fail(breaker);
    // THEN the old calls no longer count: 2 calls < minimum, still closed
    expect(breaker.state).toBe('closed');
  });

  it('goes open → half-open only when a call arrives after the recovery time, then closes after halfOpenMaxCalls successes', () => {
    // GIVEN an open breaker
    const { breaker, transitions, consecutive } = makeBreaker({ halfOpen: 2 });
    for (let i = 0; i < 3; i++) fail(breaker);
    // WHEN time passes without calls
    vi.advanceTimersByTime(999);
    expect(breaker.tryAcquire(Date.now())).toBeNull();
    vi.advanceTimersByTime(1);
    expect(breaker.state).toBe('open');
    // THEN the next call is a probe in half-open
    const p1 = breaker.tryAcquire(Date.now())!;
    expect(p1.probe).toBe(true);
    expect(breaker.state).toBe('half_open');
    const p2 = breaker.tryAcquire(Date.now())!;
    expect(breaker.tryAcquire(Date.now())).toBeNull(); // third probe refused
    breaker.onSuccess(Date.now(), p1);
    expect(breaker.state).toBe('half_open');
    breaker.onSuccess(Date.now(), p2);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['closed>open', 'open>half_open', 'half_open>closed']);
    expect(consecutive.consecutiveFailures).toBe(0);
  });

  it('admits at most halfOpenMaxCalls probes among 50 concurrent callers', () => {
    // GIVEN a breaker ready to half-open with 3 probes
    const { breaker } = makeBreaker({ halfOpen: 3 });
    for (let i = 0; i < 3; i++) fail(breaker);
    vi.advanceTimersByTime(1000);
    // WHEN 50 callers ask at once
    const permits = Array.from({ length: 50 }, () => breaker.tryAcquire(Date.now())).filter((p): p is BreakerPermit => p !== null);
    // THEN only 3 get through; a released slot admits one more
    expect(permits).toHaveLength(3);
    expect(breaker.inFlightProbes).toBe(3);
    breaker.onNeutral(permits[0]);
    expect(breaker.tryAcquire(Date.now())).not.toBeNull();
    expect(breaker.tryAcquire(Date.now())).toBeNull();
  });

  it('re-opens on a failed probe with a growing, capped open time', () => {
    // GIVEN recovery 1 s, multiplier 2, cap 5 s
    const { breaker, transitions } = makeBreaker({ halfOpen: 1, recoveryMs: 1000, maxMs: 5000 });
    for (let i = 0; i < 3; i++) fail(breaker);
    const openTimes: number[] = [breaker.openUntil! - Date.now()];
    // WHEN probes keep failing
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(openTimes.at(-1)!);
      fail(breaker);
      openTimes.push(breaker.openUntil! - Date.now());
    }
    // THEN the open time grows 1 → 2 → 4 → 5 → 5 s
    expect(openTimes).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(transitions.filter((t) => t === 'half_open>open')).toHaveLength(4);
    // AND a later close resets it to the recovery time
    vi.advanceTimersByTime(5000);
    succeed(breaker);
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 3; i++) fail(breaker);
    expect(breaker.openUntil! - Date.now()).toBe(1000);
  });

  it('jitters the open time within ±10 %', () => {
    // GIVEN a breaker whose random source returns the extremes
    for (const [r, expected] of [[0, 900], [0.999999, 1100]] as const) {
      const breaker = new CircuitBreaker({
        policy: new ConsecutiveBreaker(1),
        recoveryTimeoutMs: 1000,
        maxRecoveryTimeoutMs: 10_000,
        openBackoffMultiplier: 2,
        halfOpenMaxCalls: 1,
        random: () => r,
      });
      // WHEN it opens
      fail(breaker);
      // THEN the open time is scaled by 0.9..1.1
      expect(breaker.openUntil! - Date.now()).toBeCloseTo(expected, 0);
    }
  });

  it('opens for a given time on a rate-limit answer and ignores stale permits', () => {
    // GIVEN a closed breaker with a permit taken before it opened
    const { breaker } = makeBreaker();
    const stale = breaker.tryAcquire(Date.now())!;
    // WHEN a 429 says retry after 7 s
    breaker.onFailure(Date.now(), breaker.tryAcquire(Date.now())!, 7000);
    // THEN it is open for 7 s, and the stale permit's verdict changes nothing
    expect(breaker.openUntil! - Date.now()).toBe(7000);
    breaker.onSuccess(Date.now(), stale);
    expect(breaker.state).toBe('open');
  });

  it('a passing health check lets probes in early and closes a half-open breaker', () => {
    // GIVEN an open breaker
    const { breaker } = makeBreaker({ halfOpen: 2 });
    for (let i = 0; i < 3; i++) fail(breaker);
    // WHEN a health check passes
    breaker.onHealthy(Date.now());
    // THEN a call is admitted at once as a probe, and a second passing check closes it
    expect(breaker.tryAcquire(Date.now())?.probe).toBe(true);
    breaker.onHealthy(Date.now());
    expect(breaker.state).toBe('closed');
  });

  it('stops calling a listener once it is disposed, and tells break, half-open and reset apart', () => {
    // GIVEN a breaker with one listener per kind, the break listener disposed after the first break
    const { breaker } = makeBreaker({ halfOpen: 1 });
    const heard: string[] = [];
    const onBreak = breaker.onBreak(() => heard.push('break'));
    breaker.onHalfOpen(() => heard.push('half-open'));
    breaker.onReset(() => heard.push('reset'));
    // WHEN it opens, recovers, closes, then opens again
    for (let i = 0; i < 3; i++) fail(breaker);
    onBreak.dispose();
    vi.advanceTimersByTime(1000);
    succeed(breaker);
    for (let i = 0; i < 3; i++) fail(breaker);
    // THEN the second break was not heard
    expect(heard).toEqual(['break', 'half-open', 'reset']);
  });

  it('admits nothing while isolated, even past its open time or on a passing health check, and probes once released', () => {
    // GIVEN a closed breaker isolated by an operator
    const { breaker, transitions } = makeBreaker({ halfOpen: 1 });
    const hold = breaker.isolate();
    expect(breaker).toMatchObject({ state: 'open', isolated: true, openUntil: null });
    // WHEN time passes and a health check passes
    vi.advanceTimersByTime(60_000);
    breaker.onHealthy(Date.now());
    // THEN no call is admitted
    expect(breaker.canAcquire(Date.now())).toBe(false);
    expect(breaker.tryAcquire(Date.now())).toBeNull();
    // AND once released (twice is harmless) the next call is a probe that closes it
    hold.dispose();
    hold.dispose();
    expect(breaker.isolated).toBe(false);
    expect(breaker.tryAcquire(Date.now())?.probe).toBe(true);
    expect(transitions).toEqual(['closed>open', 'open>half_open']);
  });

  it('stays isolated until every hold is released', () => {
    // GIVEN two holds on one breaker
    const { breaker } = makeBreaker();
    const first = breaker.isolate();
    const second = breaker.isolate();
    // WHEN one is released
    first.dispose();
    // THEN it is still isolated; releasing the other lets probes in
    expect(breaker.tryAcquire(Date.now())).toBeNull();
    second.dispose();
    expect(breaker.state).toBe('half_open');
  });

  it('applies a transition observed elsewhere without counting a failure', () => {
    // GIVEN a closed breaker
    const { breaker, transitions, consecutive } = makeBreaker();
    // WHEN another replica reports it open for 4 s, then closed
    breaker.observe({ state: 'open', openUntil: Date.now() + 4000 }, Date.now());
    // THEN it refuses calls until then, with no failure counted here
    expect(breaker.openUntil).toBe(Date.now() + 4000);
    expect(breaker.tryAcquire(Date.now())).toBeNull();
    expect(consecutive.consecutiveFailures).toBe(0);
    breaker.observe({ state: 'closed' }, Date.now());
    expect(breaker.tryAcquire(Date.now())?.probe).toBe(false);
    expect(transitions).toEqual(['closed>open', 'open>closed']);
  });
});
