import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './redis-server';
import { RateLimiter } from '../../../runtime/ops/rate-limiter';
import { GlobalRateLimiter } from '../../../runtime/shared-state/global-rate-limiter';
import { RedisLink } from '../../../runtime/shared-state/redis-link';
import { parseRedisUrl } from '../../../runtime/shared-state/redis-url';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function link(url: string): RedisLink {
  const parsed = parseRedisUrl(url);
  if (!parsed.ok) throw new Error(parsed.message);
  return new RedisLink({ target: parsed.target, commandTimeoutMs: 200, log: silent });
}

describe('global rate limit on a real redis-server', () => {
  let redis: TestRedis;
  const links: RedisLink[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) {
      const l = link(redis.url);
      expect(await l.connect(2000)).toBe(true);
      links.push(l);
    }
  });
  afterAll(async () => {
    await Promise.all(links.map((l) => l.close()));
    await redis.stop();
  });

  const replicas = (prefix: string, limit: number) => links.map((l) => new GlobalRateLimiter({
    link: l, local: new RateLimiter({ requestsPerMinute: limit }), keyPrefix: prefix, failMode: () => 'open',
  }));

  it('admits the limit once across three replicas for a burst of 150 spread over them', async () => {
    // GIVEN three replicas sharing one Redis, 60 requests per minute
    const limiters = replicas('burst:', 60);
    // WHEN one client sends 150 requests at once, round robin over the replicas
    const decisions = await Promise.all(Array.from({ length: 150 }, (_, i) => limiters[i % 3].take('key:0badc0de')));
    // THEN 60 ± 2 are admitted fleet-wide, and every refusal says when to retry
    const admitted = decisions.filter((d) => d.allowed).length;
    expect(admitted).toBeGreaterThanOrEqual(58);
    expect(admitted).toBeLessThanOrEqual(62);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(refused.unavailable).toBeUndefined();
    }
  });

  it('keeps clients apart and stores a hash, never the client identity', async () => {
    // GIVEN a limit of 2 per minute
    const [a, b] = replicas('apart:', 2);
    // WHEN one client spends its two tokens on two replicas
    expect((await a.take('key:aaaaaaaa')).allowed).toBe(true);
    expect((await b.take('key:aaaaaaaa')).allowed).toBe(true);
    const third = await a.take('key:aaaaaaaa');
    // THEN its third request is refused with Retry-After 30 s (one token per 30 s), another client still passes
    expect(third).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect((await b.take('addr:10.0.0.7')).allowed).toBe(true);
    const keys = await links[0].redis.keys('apart:*');
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatch(/^apart:rl:2:[0-9a-f]{32}$/);
      expect(key).not.toContain('aaaaaaaa');
      expect(key).not.toContain('10.0.0.7');
    }
  });

  it('restarts buckets full when the limit changes, as the pod-local limiter does', async () => {
    // GIVEN a client that spent its single token
    const [a] = replicas('reload:', 1);
    expect((await a.take('key:cccccccc')).allowed).toBe(true);
    expect((await a.take('key:cccccccc')).allowed).toBe(false);
    // WHEN the limit is reloaded
    a.setLimit(5);
    // THEN the client starts with a full bucket under the new limit
    expect((await a.take('key:cccccccc')).allowed).toBe(true);
    expect(a.requestsPerMinute).toBe(5);
  });

  it('lets everything through without a Redis call when the limit is 0', () => {
    // GIVEN a disabled limiter
    const [a] = replicas('off:', 0);
    // WHEN a request arrives THEN it is admitted synchronously
    expect(a.take('key:dddddddd')).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });
});
