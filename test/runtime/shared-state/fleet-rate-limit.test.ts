import { describe, expect, it } from 'vitest';
import { chat, useFleetOverOneMock } from './fleet';

describe('a fleet of proxies enforces one rate limit through Redis', () => {
  const fx = useFleetOverOneMock(3, (mockUrl) => ({
    upstreams: [{ name: 'primary', baseUrl: mockUrl }],
    rateLimit: { requestsPerMinute: 60 },
    auth: { clientKeys: ['client-key-fleet-0001', 'client-key-fleet-0002'] },
    // in-process replicas share one event loop under the burst: a generous timeout keeps them on Redis
    sharedState: { keyPrefix: 'rl-fleet', commandTimeoutMs: 2000 },
  }));

  it('admits 60 ± 2 of a burst of 150 spread over three replicas, with Retry-After on every 429', async () => {
    // GIVEN three replicas, 60 requests per minute per client key
    // WHEN one client sends 150 requests at once, round robin over the replicas
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => chat(fx.fleet[i % 3], { authorization: 'Bearer client-key-fleet-0001' })));
    // THEN 60 ± 2 are served fleet-wide (not 60 per replica), the rest get 429 with Retry-After
    const served = answers.filter((a) => a.status === 200).length;
    expect(served).toBeGreaterThanOrEqual(58);
    expect(served).toBeLessThanOrEqual(62);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.every((a) => a.status === 429 && a.body.error.code === 'rate_limit_exceeded')).toBe(true);
    expect(refused.every((a) => Number(a.headers.get('retry-after')) >= 1)).toBe(true);
    // AND another client key has its own budget
    expect((await chat(fx.fleet[1], { authorization: 'Bearer client-key-fleet-0002' })).status).toBe(200);
  });

  it('keeps no client key in Redis', async () => {
    // WHEN the keys the limiter wrote are listed THEN they hold hashes only
    const keys = await fx.fleet[0].running.sharedState!.link.redis.keys('rl-fleet:rl:*');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.join(' ')).not.toContain('client-key');
  });
});
