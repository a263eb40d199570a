import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { chat, closeAll, startFleet, stateOf, twoUpstreams } from './fleet';
import { startRedis, type TestRedis } from './redis-server';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import type { ProxyConfigInput } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { startMocks, type TestProxy } from '../../support/proxy-harness';

describe('replicas share one view of each upstream\'s health through Redis', () => {
  let redis: TestRedis;
  let primary: MockUpstream;
  let backup: MockUpstream;
  let fleet: TestProxy[] = [];
  let prefix = 0;

  beforeAll(async () => {
    redis = await startRedis();
    [primary, backup] = await startMocks(2);
  });
  afterEach(async () => {
    await closeAll(fleet);
    fleet = [];
    primary.setMode({ kind: 'ok' });
  });
  afterAll(async () => {
    await primary.close();
    await backup.close();
    await redis.stop();
  });

  /** The replicas' config: a breaker that opens on the first failure, keys under this test's prefix. */
  const fleetConfig = (circuitBreaker: ProxyConfigInput['circuitBreaker']): ProxyConfigInput => ({
    upstreams: twoUpstreams(primary, backup),
    circuitBreaker: { failureThreshold: 1, ...circuitBreaker },
    retries: { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0 },
    rateLimit: { requestsPerMinute: 0 },
    sharedState: { keyPrefix: `breakers-${prefix}`, commandTimeoutMs: 1000 },
  });
  /** Three replicas (a new key prefix per test). */
  const start = async (circuitBreaker: ProxyConfigInput['circuitBreaker'], count = 3): Promise<TestProxy[]> => {
    prefix += 1;
    fleet = await startFleet(count, fleetConfig(circuitBreaker), redis.url);
    return fleet;
  };

  it('treats an upstream as open on every replica within 1 s of one replica opening it, without their own failures', async () => {
    // GIVEN three replicas and a failing primary
    const [a, b, c] = await start({ recoveryTimeoutSeconds: 30, maxRecoveryTimeoutSeconds: 30 });
    primary.setMode({ kind: 'status', status: 500 });
    // WHEN one request through replica A fails on the primary (and is served by the backup)
    expect((await chat(a)).status).toBe(200);
    expect(stateOf(a, 'primary')).toBe('open');
    // THEN B and C hold the primary open within 1 s
    await eventually(() => {
      expect(stateOf(b, 'primary')).toBe('open');
      expect(stateOf(c, 'primary')).toBe('open');
    }, 1000);
    // AND their requests go straight to the backup: the primary sees no more traffic
    const seen = primary.requests;
    for (const replica of [b, c, b, c]) expect((await chat(replica)).status).toBe(200);
    expect(primary.requests).toBe(seen);
    // AND a replica that starts now reads the open from Redis
    const [late] = await startFleet(1, { upstreams: twoUpstreams(primary, backup), sharedState: { keyPrefix: `breakers-${prefix}` } }, redis.url);
    fleet.push(late);
    await eventually(() => expect(stateOf(late, 'primary')).toBe('open'), 1000);
  });

  it('propagates a Retry-After open with its duration', async () => {
    // GIVEN an upstream that answers 429 with Retry-After: 20
    const [a, b] = await start({ recoveryTimeoutSeconds: 1, maxRecoveryTimeoutSeconds: 1 });
    primary.setMode({ kind: 'status', status: 429, retryAfterSeconds: 20 });
    // WHEN replica A gets that 429
    const before = Date.now();
    expect((await chat(a)).status).toBe(200);
    // THEN B holds the primary open for about 20 s too (not its own 1 s recovery time)
    await eventually(() => expect(stateOf(b, 'primary')).toBe('open'), 1000);
    const until = Date.parse(b.engine.upstreamStatus().find((u) => u.name === 'primary')!.openUntil!);
    expect(until - before).toBeGreaterThan(18_000);
    expect(until - before).toBeLessThan(22_000);
  });

  it('lets at most halfOpenMaxCalls probes through across all replicas, and the fleet closes on their success', async () => {
    // GIVEN three replicas holding the primary open for about 1 s, 2 probes per half-open round
    const [a, b, c] = await start({ recoveryTimeoutSeconds: 1, maxRecoveryTimeoutSeconds: 1, halfOpenMaxCalls: 2 });
    primary.setMode({ kind: 'status', status: 500 });
    expect((await chat(a)).status).toBe(200);
    await eventually(() => expect([stateOf(b, 'primary'), stateOf(c, 'primary')]).toEqual(['open', 'open']), 1000);
    // WHEN the primary recovers (answering slowly, so probes stay in flight) and every replica keeps sending
    primary.setMode({ kind: 'latency', ms: 800 });
    const base = primary.requests;
    const inFlight: Array<Promise<unknown>> = [];
    const wave = (): void => {
      for (const replica of [a, b, c]) inFlight.push(chat(replica));
    };
    // waves every 20 ms until the open time is over and the probes have reached the primary
    await eventually(() => {
      wave();
      expect(primary.requests - base).toBeGreaterThanOrEqual(2);
    }, 3000, 20);
    for (let i = 0; i < 10; i++) {
      wave();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // THEN only 2 probes reached the primary while they were in flight (3 replicas × 2 without the fleet lease)
    expect(primary.requests - base).toBe(2);
    // AND every request was answered (the others by the backup)
    const answers = (await Promise.all(inFlight)) as Array<{ status: number }>;
    expect(answers.every((r) => r.status === 200)).toBe(true);
    // AND once both probes succeeded the whole fleet is closed
    await eventually(() => expect([a, b, c].map((r) => stateOf(r, 'primary'))).toEqual(['closed', 'closed', 'closed']), 1000);
  });

  it('tells the fleet, once Redis is back, about an open a replica made during the outage', async () => {
    // GIVEN two replicas and Redis gone
    const [a, b] = await start({ recoveryTimeoutSeconds: 30, maxRecoveryTimeoutSeconds: 30 }, 2);
    await redis.kill();
    await eventually(() => expect([a, b].every((r) => !r.running.sharedState!.link.up)).toBe(true));
    // WHEN replica A opens the primary on its own meanwhile (B cannot hear it)
    primary.setMode({ kind: 'status', status: 500 });
    expect((await chat(a)).status).toBe(200);
    expect([stateOf(a, 'primary'), stateOf(b, 'primary')]).toEqual(['open', 'closed']);
    // THEN once Redis is back, B holds the primary open too
    await redis.restart();
    await eventually(() => expect(stateOf(b, 'primary')).toBe('open'), 5000);
  });

  it('hears the fleet\'s opens on a replica that started while Redis was away', async () => {
    // GIVEN Redis away while replica B starts, then back, and replica A on it
    await redis.kill();
    const [b] = await start({ recoveryTimeoutSeconds: 30, maxRecoveryTimeoutSeconds: 30 }, 1);
    await redis.restart();
    await eventually(() => expect(b.running.sharedState!.link.up).toBe(true), 5000);
    const [a] = await startFleet(1, fleetConfig({ recoveryTimeoutSeconds: 30, maxRecoveryTimeoutSeconds: 30 }), redis.url);
    fleet.push(a);
    // WHEN A opens the primary
    primary.setMode({ kind: 'status', status: 500 });
    expect((await chat(a)).status).toBe(200);
    // THEN B, subscribed since Redis came back, holds it open within 1 s
    await eventually(() => expect(stateOf(b, 'primary')).toBe('open'), 1000);
  });
});
