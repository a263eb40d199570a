import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealthChecker } from '../../../runtime/proxy/upstreams/health-checker';
import type { UpstreamRuntime } from '../../../runtime/proxy/upstreams/upstream-runtime';
import { HEADERS, PATHS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

/** An open-breaker upstream whose pool records each health check. */
function fakeUpstream(name: string, checked: string[]): UpstreamRuntime {
  return {
    name,
    config: { format: 'openai', anthropicVersion: '2023-06-01' },
    breaker: { state: 'open', onHealthy: () => undefined },
    pool: {
      request: () => {
        checked.push(name);
        return Promise.resolve({ statusCode: 200, body: { dump: () => Promise.resolve() } });
      },
    },
  } as unknown as UpstreamRuntime;
}

describe('HealthChecker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs one jittered loop per upstream, so upstreams are checked at different times', async () => {
    // GIVEN two open upstreams, a 1 s interval, and jitter draws 0 (→ 0.5 s) then 0.9 (→ 1.4 s)
    vi.useFakeTimers();
    const checked: string[] = [];
    const upstreams = [fakeUpstream('a', checked), fakeUpstream('b', checked)];
    const draws = [0, 0.9];
    const random = (): number => draws.shift() ?? 0.5;
    const checker = new HealthChecker({ intervalMs: 1000, timeoutMs: 100, now: () => 0, random, upstreams: () => upstreams });
    // WHEN 0.6 s pass
    checker.start();
    await vi.advanceTimersByTimeAsync(600);
    // THEN only the first upstream was checked
    expect(checked).toEqual(['a']);
    // AND at 1.4 s the second one was too (the first's next check is due at 1.5 s)
    await vi.advanceTimersByTimeAsync(800);
    expect(checked).toEqual(['a', 'b']);
    checker.stop();
  });

  it('ends the loop of an upstream that left the config', async () => {
    // GIVEN a loop for one upstream that is then removed
    vi.useFakeTimers();
    const checked: string[] = [];
    let upstreams = [fakeUpstream('a', checked)];
    const checker = new HealthChecker({ intervalMs: 1000, timeoutMs: 100, now: () => 0, random: () => 0.5, upstreams: () => upstreams });
    checker.start();
    upstreams = [];
    // WHEN several intervals pass
    await vi.advanceTimersByTimeAsync(5000);
    // THEN it was never checked and no timer is left
    expect(checked).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    checker.stop();
  });
});

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] };

describe('active health checks in the engine', () => {
  const fx = useProxyFixture();

  it('a passing active health check closes a breaker early', async () => {
    // GIVEN health checks every 50 ms and a primary opened by a 429 with a long Retry-After
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 429, retryAfterSeconds: 30 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { healthChecks: { enabled: true, intervalSeconds: 0.05, timeoutSeconds: 1 } }));
    await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(fx.proxy.engine.upstreamStatus()[0].state).toBe('open');
    // WHEN the primary recovers
    fx.mocks[0].setMode({ kind: 'ok' });
    // THEN a GET /models check goes out and, once it passed, lets a probe in before the 30 s are up
    await eventually(() => {
      expect(fx.mocks[0].received.find((r) => r.method === 'GET')?.path).toBe('/v1/models');
      expect(Date.parse(fx.proxy!.engine.upstreamStatus()[0].openUntil!)).toBeLessThanOrEqual(Date.now());
    });
    // AND the next request goes to the primary
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
  });
});
