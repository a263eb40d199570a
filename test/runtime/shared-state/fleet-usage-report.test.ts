import { describe, expect, it } from 'vitest';
import { chat, useFleetOverOneMock } from './fleet';
import { eventually } from '../../support/eventually';
import { startTestProxy, type TestProxy } from '../../support/proxy-harness';

const usageOf = async (proxy: TestProxy, query = ''): Promise<{ status: number; body: any }> => {
  const response = await fetch(`${proxy.origin}/v1/usage${query}`);
  return { status: response.status, body: await response.json() };
};

describe('/v1/usage?scope=fleet sums the replicas through Redis', () => {
  const fx = useFleetOverOneMock(3, (mockUrl) => ({
    upstreams: [{ name: 'primary', baseUrl: mockUrl }],
    rateLimit: { requestsPerMinute: 0 },
    sharedState: { keyPrefix: 'usage-fleet', commandTimeoutMs: 1000 },
  }));

  it('reports tokens, cost and request stats of every replica, while the default stays the pod\'s own view', async () => {
    // GIVEN 2, 3 and 4 requests on three replicas
    const counts = [2, 3, 4];
    for (const [index, count] of counts.entries()) {
      for (let i = 0; i < count; i++) expect((await chat(fx.fleet[index])).status).toBe(200);
    }
    const pods = await Promise.all(fx.fleet.map(async (p) => (await usageOf(p)).body));
    // WHEN one replica is asked for the fleet's report
    const fleetReport = await eventually(async () => {
      const answer = await usageOf(fx.fleet[0], '?scope=fleet');
      expect(answer.body.stats.total_requests).toBe(9);
      return answer;
    });
    // THEN it is the sum of the three pod reports, and each report says its scope
    expect(fleetReport.status).toBe(200);
    expect(fleetReport.body.scope).toBe('fleet');
    expect(pods.map((p) => [p.scope, p.stats.total_requests])).toEqual([['pod', 2], ['pod', 3], ['pod', 4]]);
    const sum = (pick: (report: any) => number) => pods.reduce((acc, report) => acc + pick(report), 0);
    expect(fleetReport.body.stats).toEqual({ total_requests: 9, successful_requests: 9, failed_requests: 0, failover_count: 0 });
    expect(fleetReport.body.total_input_tokens).toBe(sum((r) => r.total_input_tokens));
    expect(fleetReport.body.total_output_tokens).toBe(sum((r) => r.total_output_tokens));
    expect(fleetReport.body.total_input_tokens).toBeGreaterThan(0);
    expect(fleetReport.body.by_model['gpt-4.1'].requests).toBe(9);
    expect(fleetReport.body.by_upstream.primary.cost_usd).toBeCloseTo(sum((r) => r.by_upstream.primary.cost_usd), 6);
    expect(fleetReport.body.total_cost_usd).toBeCloseTo(sum((r) => r.by_model['gpt-4.1'].cost_usd), 4);
    // AND it counts since the first request it holds, after the replicas started
    expect(Date.parse(fleetReport.body.since)).toBeGreaterThanOrEqual(Math.min(...pods.map((p) => Date.parse(p.since))));
    expect(Date.parse(fleetReport.body.since)).toBeLessThanOrEqual(Date.now());
  });

  it('refuses an unknown scope, and scope=fleet on a proxy without shared state', async () => {
    // GIVEN a replica of the fleet and a proxy without REDIS_URL
    const alone = await startTestProxy(`upstreams: [{name: primary, baseUrl: "${fx.mock.url}"}]\n`);
    try {
      // WHEN / THEN
      const unknown = await usageOf(fx.fleet[1], '?scope=cluster');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('invalid_scope');
      const off = await usageOf(alone, '?scope=fleet');
      expect(off.status).toBe(400);
      expect(off.body.error.code).toBe('shared_state_disabled');
      expect((await usageOf(alone)).body.scope).toBe('pod');
    } finally {
      await alone.close();
    }
  });
});
