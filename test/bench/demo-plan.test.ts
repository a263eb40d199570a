import { describe, expect, it } from 'vitest';
import { actAt, DEFAULT_DEMO_SECONDS, demoPlan, demoSecondsFrom, FAST_DEMO_SECONDS } from '../../demo/plan';

describe('demoPlan', () => {
  it('splits the run into healthy, outage and recovered acts end to end', () => {
    // WHEN
    const plan = demoPlan(24);
    // THEN
    expect(plan.acts.map((a) => [a.id, a.startMs, a.endMs])).toEqual([['healthy', 0, 6000], ['outage', 6000, 14_400], ['recovered', 14_400, 24_000]]);
    expect(plan.acts[1].primaryMode.kind).toBe('reset');
    expect(plan.recoveryTimeoutSeconds).toBe(3);
  });

  it('shortens the breaker open time for a short run so recovery still fits', () => {
    const plan = demoPlan(8);
    const recoveredMs = plan.acts[2].endMs - plan.acts[2].startMs;
    expect(plan.recoveryTimeoutSeconds).toBe(1);
    expect(plan.recoveryTimeoutSeconds * 1000).toBeLessThan(recoveredMs / 2);
  });

  it('refuses a length outside 6-60 seconds', () => {
    expect(() => demoPlan(5)).toThrow('demo length must be 6-60 seconds (received 5)');
  });

  it('finds the act at a time, the last one after the end', () => {
    const plan = demoPlan(24);
    expect(actAt(plan, 5999).id).toBe('healthy');
    expect(actAt(plan, 6000).id).toBe('outage');
    expect(actAt(plan, 99_000).id).toBe('recovered');
  });
});

describe('demoSecondsFrom', () => {
  it('reads --fast, --seconds and DEMO_SECONDS, in that order, else the default', () => {
    expect(demoSecondsFrom(['--fast'], { DEMO_SECONDS: '30' })).toBe(FAST_DEMO_SECONDS);
    expect(demoSecondsFrom(['--seconds=12'], { DEMO_SECONDS: '30' })).toBe(12);
    expect(demoSecondsFrom(['--seconds', '9'], {})).toBe(9);
    expect(demoSecondsFrom([], { DEMO_SECONDS: '30' })).toBe(30);
    expect(demoSecondsFrom([], {})).toBe(DEFAULT_DEMO_SECONDS);
  });

  it('names the bad value and where it came from', () => {
    expect(() => demoSecondsFrom([], { DEMO_SECONDS: 'soon' })).toThrow('DEMO_SECONDS must be a number of seconds from 6 to 60 (received "soon")');
    expect(() => demoSecondsFrom(['--seconds=600'], {})).toThrow('--seconds must be a number of seconds from 6 to 60 (received "600")');
    expect(() => demoSecondsFrom(['--slow'], {})).toThrow('unknown demo argument "--slow"');
  });
});
