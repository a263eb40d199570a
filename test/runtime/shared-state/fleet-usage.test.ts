import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './redis-server';
import { FleetUsage } from '../../../runtime/shared-state/fleet-usage';
import { RedisLink } from '../../../runtime/shared-state/redis-link';
import { parseRedisUrl } from '../../../runtime/shared-state/redis-url';
import { eventually } from '../../support/eventually';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function linkTo(url: string): RedisLink {
  const parsed = parseRedisUrl(url);
  if (!parsed.ok) throw new Error(parsed.message);
  return new RedisLink({ target: parsed.target, commandTimeoutMs: 200, log: silent, maxReconnectDelayMs: 100 });
}

describe('fleet usage counters on a real redis-server', () => {
  let redis: TestRedis;
  let a: RedisLink;
  let b: RedisLink;

  beforeAll(async () => {
    redis = await startRedis();
    a = linkTo(redis.url);
    b = linkTo(redis.url);
    expect(await a.connect(2000)).toBe(true);
    expect(await b.connect(2000)).toBe(true);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('sums two replicas exactly, costs included, since the earliest count', async () => {
    // GIVEN two replicas whose first counts are at 10:00 and at 09:00
    const first = new FleetUsage({ link: a, keyPrefix: 'sum:', since: '2026-12-01T08:00:00.000Z', now: () => Date.parse('2026-12-01T10:00:00.000Z') });
    const second = new FleetUsage({ link: b, keyPrefix: 'sum:', since: '2026-12-01T08:30:00.000Z', now: () => Date.parse('2026-12-01T09:00:00.000Z') });
    // WHEN each counts requests
    for (let i = 0; i < 100; i++) first.add([['total_input_tokens', 10], ['total_cost_usd', 0.000024], ['by_model|gpt-4.1|requests', 1]]);
    for (let i = 0; i < 50; i++) second.add([['total_input_tokens', 3], ['total_cost_usd', 0.0000042], ['by_model|gpt-4.1|requests', 1]]);
    await second.flush();
    const snapshot = await first.read();
    // THEN the fleet view is the exact sum of both, and `since` is the earliest count
    expect(snapshot.counters.get('total_input_tokens')).toBe(1150);
    expect(snapshot.counters.get('by_model|gpt-4.1|requests')).toBe(150);
    expect(snapshot.counters.get('total_cost_usd')).toBeCloseTo(100 * 0.000024 + 50 * 0.0000042, 12);
    expect(snapshot.since).toBe('2026-12-01T09:00:00.000Z');
  });

  it('keeps counts made while Redis is away and sends them when it is back', async () => {
    // GIVEN a replica counting on a live Redis
    const usage = new FleetUsage({ link: a, keyPrefix: 'outage-usage:', since: '2026-12-01T10:00:00.000Z' });
    usage.add([['stats|total_requests', 1]]);
    await usage.flush();
    // WHEN Redis dies and requests keep being counted
    await redis.kill();
    await eventually(() => expect(a.up).toBe(false));
    usage.add([['stats|total_requests', 1]]);
    usage.add([['stats|total_requests', 1]]);
    // THEN reading the fleet view fails clearly while Redis is away, and nothing is lost
    await expect(usage.read()).rejects.toThrow(/shared state unavailable/);
    expect(usage.pendingFields).toBe(1);
    // WHEN Redis is back (empty: no persistence) THEN the kept counts arrive
    await redis.restart();
    await eventually(() => expect(a.up).toBe(true), 5000);
    await eventually(async () => expect((await usage.read()).counters.get('stats|total_requests')).toBe(2), 3000);
  });
});
