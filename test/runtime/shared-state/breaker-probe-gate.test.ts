import { describe, expect, it } from 'vitest';
import { CircuitBreaker, ConsecutiveBreaker, type ProbeGate } from '../../../runtime/core';

/** A gate that hands out the leases it is given and records what comes back. */
function gate(active = true) {
  const leases: string[] = [];
  const seen = { asked: 0, succeeded: [] as string[], released: [] as string[] };
  const probeGate: ProbeGate & { active: boolean } = {
    active,
    takeProbeLease: () => {
      seen.asked += 1;
      return leases.shift();
    },
    probeSucceeded: (lease) => seen.succeeded.push(lease),
    probeReleased: (lease) => seen.released.push(lease),
  };
  return { probeGate, leases, seen };
}

/** A breaker that opens on the first failure for 1 s, 2 probes per half-open round; time is `now` (ms). */
function breakerWith(probeGate: ProbeGate): CircuitBreaker {
  return new CircuitBreaker({
    policy: new ConsecutiveBreaker(1),
    recoveryTimeoutMs: 1000,
    maxRecoveryTimeoutMs: 1000,
    openBackoffMultiplier: 1,
    halfOpenMaxCalls: 2,
    random: () => 0.5,
    probeGate,
  });
}

/** Opens `breaker` at t=0 (open until t=1000). */
function openAtZero(breaker: CircuitBreaker): void {
  breaker.onFailure(0, breaker.tryAcquire(0)!);
  expect(breaker.state).toBe('open');
}

describe('half-open probes through a fleet-wide probe gate', () => {
  it('keeps the breaker open without a lease, and asks for one', () => {
    // GIVEN an open breaker whose open time is over, and a gate without leases
    const { probeGate, seen } = gate();
    const breaker = breakerWith(probeGate);
    openAtZero(breaker);
    // WHEN a call arrives after the open time
    const permit = breaker.tryAcquire(1500);
    // THEN it is refused (the request goes to the next upstream), the breaker stays open, a lease was asked for
    expect(permit).toBeNull();
    expect(breaker.state).toBe('open');
    expect(seen.asked).toBe(1);
  });

  it('runs a probe with a lease and reports its success', () => {
    // GIVEN a gate holding one lease
    const { probeGate, leases, seen } = gate();
    const breaker = breakerWith(probeGate);
    openAtZero(breaker);
    leases.push('lease-1');
    // WHEN a call arrives after the open time and succeeds
    const permit = breaker.tryAcquire(1500);
    expect(permit).toEqual({ probe: true, generation: expect.any(Number), lease: 'lease-1' });
    expect(breaker.state).toBe('half_open');
    // THEN a second call finds no lease and is refused, and the success is reported to the fleet
    expect(breaker.tryAcquire(1500)).toBeNull();
    breaker.onSuccess(1600, permit!);
    expect(seen.succeeded).toEqual(['lease-1']);
    // AND one success of two does not close it alone: the fleet's count decides
    expect(breaker.state).toBe('half_open');
  });

  it('gives the lease back when the probe fails or ends without a verdict', () => {
    // GIVEN two leased probes
    const { probeGate, leases, seen } = gate();
    const breaker = breakerWith(probeGate);
    openAtZero(breaker);
    leases.push('lease-1', 'lease-2');
    const first = breaker.tryAcquire(1500)!;
    const second = breaker.tryAcquire(1500)!;
    // WHEN one ends without a verdict and the other fails (reopening the breaker)
    breaker.onNeutral(first);
    breaker.onFailure(1600, second);
    // THEN both leases are returned and the breaker is open again
    expect(seen.released).toEqual(['lease-1', 'lease-2']);
    expect(breaker.state).toBe('open');
  });

  it('returns the lease of a probe superseded by a fleet open instead of counting its success', () => {
    // GIVEN a leased probe in flight
    const { probeGate, leases, seen } = gate();
    const breaker = breakerWith(probeGate);
    openAtZero(breaker);
    leases.push('lease-1');
    const permit = breaker.tryAcquire(1500)!;
    // WHEN another replica reopens the upstream meanwhile, then the probe succeeds
    breaker.observe({ state: 'open', openUntil: 5000 }, 1550);
    breaker.onSuccess(1600, permit);
    // THEN the success is not counted, the lease is given back, and the fleet's open stands
    expect(seen.succeeded).toEqual([]);
    expect(seen.released).toEqual(['lease-1']);
    expect(breaker.openUntil).toBe(5000);
  });

  it('decides alone while the gate is not active (Redis away)', () => {
    // GIVEN an inactive gate
    const { probeGate, seen } = gate(false);
    const breaker = breakerWith(probeGate);
    openAtZero(breaker);
    // WHEN calls arrive after the open time
    const first = breaker.tryAcquire(1500);
    const second = breaker.tryAcquire(1500);
    // THEN the local half-open rules apply: two probes, no lease asked, a third refused
    expect(first).toEqual({ probe: true, generation: expect.any(Number) });
    expect(second).not.toBeNull();
    expect(breaker.tryAcquire(1500)).toBeNull();
    expect(seen.asked).toBe(0);
    breaker.onSuccess(1600, first!);
    breaker.onSuccess(1600, second!);
    expect(breaker.state).toBe('closed');
  });
});
