import { afterEach, describe, expect, it } from 'vitest';
import { chat, closeAll, startFleet } from './fleet';
import { startRedis, type TestRedis } from './redis-server';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { METRICS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { startMocks, startTestProxy, testConfig, type TestProxy } from '../../support/proxy-harness';

/** The value of the first sample of `name` whose labels contain `labels` (e.g. `operation="rate_limit"`). */
const metricValue = async (proxy: TestProxy, name: string, labels = ''): Promise<string | undefined> => {
  const text = await (await fetch(`${proxy.metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(labels));
  return line?.split(' ').pop();
};
const sharedRateLimitChecks = async (proxy: TestProxy): Promise<number> =>
  Number(await metricValue(proxy, `${METRICS.sharedStateCommandSeconds}_count`, 'operation="rate_limit",result="ok"') ?? 0);

describe('requests keep flowing when Redis goes away mid-traffic', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const setup = async (failMode: 'open' | 'closed', count = 2): Promise<{ redis: TestRedis; mock: MockUpstream; fleet: TestProxy[] }> => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const [mock] = await startMocks(1);
    cleanup.push(() => mock.close());
    const fleet = await startFleet(count, {
      upstreams: [{ name: 'primary', baseUrl: mock.url }],
      rateLimit: { requestsPerMinute: 100_000 },
      sharedState: { keyPrefix: `outage-${failMode}`, commandTimeoutMs: 200, failMode },
    }, redis.url);
    cleanup.push(() => closeAll(fleet));
    return { redis, mock, fleet };
  };

  it('fail-open: no client-visible error while Redis is killed and restarted, one warning per outage, state resumes', async () => {
    // GIVEN two replicas on a live Redis under steady traffic
    const { redis, fleet } = await setup('open');
    const statuses: number[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending && i < 2000; i++) {
        statuses.push((await chat(fleet[i % 2])).status);
      }
    })();
    await eventually(() => expect(statuses.length).toBeGreaterThan(20));
    // WHEN Redis is killed mid-traffic, then restarted (empty)
    await redis.kill();
    await eventually(() => expect(fleet.every((p) => !p.running.sharedState!.link.up)).toBe(true));
    const duringOutage = statuses.length;
    await eventually(() => expect(statuses.length).toBeGreaterThan(duringOutage + 20));
    expect(await metricValue(fleet[0], METRICS.sharedStateUp)).toBe('0');
    await redis.restart();
    await eventually(() => expect(fleet.every((p) => p.running.sharedState!.link.up)).toBe(true), 5000);
    const checksBefore = await sharedRateLimitChecks(fleet[0]);
    const afterRestart = statuses.length;
    await eventually(() => expect(statuses.length).toBeGreaterThan(afterRestart + 20));
    sending = false;
    await traffic;
    // THEN every request was served
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // AND each replica logged one warning for the outage and one line when Redis was back
    for (const replica of fleet) {
      expect(replica.logs.filter((l) => l.includes('"event":"shared_state_down"'))).toHaveLength(1);
      expect(replica.logs.filter((l) => l.includes('"event":"shared_state_restored"'))).toHaveLength(1);
    }
    // AND shared state resumed: the limiter asks Redis again, the gauge says up, fallbacks were counted
    expect(await sharedRateLimitChecks(fleet[0])).toBeGreaterThan(checksBefore);
    expect(await metricValue(fleet[0], METRICS.sharedStateUp)).toBe('1');
    expect(Number(await metricValue(fleet[0], METRICS.sharedStateFallbacksTotal))).toBeGreaterThan(0);
  });

  it('fail-closed: rate-limited routes answer 503 while Redis is unreachable, and serve again when it is back', async () => {
    // GIVEN a fail-closed replica on a live Redis
    const { redis, fleet } = await setup('closed', 1);
    const [replica] = fleet;
    expect((await chat(replica)).status).toBe(200);
    // WHEN Redis is killed
    await redis.kill();
    await eventually(() => expect(replica.running.sharedState!.link.up).toBe(false));
    const refused = await chat(replica);
    // THEN the request is refused with 503 shared_state_unavailable and Retry-After
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('shared_state_unavailable');
    expect(refused.headers.get('retry-after')).toBe('1');
    // WHEN Redis is back THEN requests are served again
    await redis.restart();
    await eventually(() => expect(replica.running.sharedState!.link.up).toBe(true), 5000);
    expect((await chat(replica)).status).toBe(200);
  });

  it('a wrong password: one clear error at start, then fail-open, the password never logged', async () => {
    // GIVEN a Redis that requires a password and a proxy with the wrong one
    const redis = await startRedis({ password: 'the-right-password-1' });
    cleanup.push(() => redis.stop());
    const [mock] = await startMocks(1);
    cleanup.push(() => mock.close());
    const proxy = await startTestProxy(testConfig({ upstreams: [{ name: 'primary', baseUrl: mock.url }], sharedState: { keyPrefix: 'wrongpass' } }), {
      env: { REDIS_URL: `redis://127.0.0.1:${redis.port}`, REDIS_PASSWORD: 'a-wrong-password-2' },
    });
    cleanup.push(() => proxy.close());
    // WHEN requests arrive THEN they are served (pod-local state)
    expect((await chat(proxy)).status).toBe(200);
    expect((await chat(proxy)).status).toBe(200);
    // AND the start logged one error naming the refused credentials, never the password
    const errors = proxy.logs.filter((l) => l.includes('"event":"shared_state_unavailable"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/refused the credentials in REDIS_URL/);
    expect(proxy.logs.join('\n')).not.toContain('a-wrong-password-2');
    expect(await metricValue(proxy, METRICS.sharedStateUp)).toBe('0');
    // AND /v1/status says why, with the URL redacted
    const status = (await (await fetch(`${proxy.origin}/v1/status`)).json()) as { sharedState: Record<string, unknown> };
    expect(status.sharedState).toMatchObject({ up: false, redis: `redis://127.0.0.1:${redis.port}`, keyPrefix: 'wrongpass:', failMode: 'open', shareBreakers: true });
    expect(String(status.sharedState.reason)).toMatch(/refused the credentials/);
  });

  it('refuses to start on a REDIS_URL that is not a redis URL, naming the variable', async () => {
    // GIVEN / WHEN / THEN
    const failed = startTestProxy('upstreams: [{name: primary, baseUrl: "http://127.0.0.1:9/v1"}]\n', { env: { REDIS_URL: 'http://:pw-123456@redis:6379' } });
    await expect(failed).rejects.toThrow(/REDIS_URL: must use redis:\/\/ or rediss:\/\/ \(received "http:\/\/\[redacted\]@redis:6379"\)/);
  });
});
