import { describe, expect, it } from 'vitest';
import { HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy, testConfig } from '../../support/proxy-harness';
import { startRawUpstream } from '../../support/raw-upstream';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('retries and deadlines', () => {
  const fx = useProxyFixture();

  it('stops retrying when the retry budget is spent', async () => {
    // GIVEN a budget with no floor and no ratio, and a failing primary
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 500 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { retries: { budgetRatio: 0, minRetriesPerSecond: 0, baseDelayMs: 1, maxDelayMs: 2 } }));
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN there is no retry: 502 after 1 attempt, and the rejection is reported
    expect(res.status).toBe(502);
    expect(res.headers.get(HEADERS.attempts)).toBe('1');
    expect(fx.mocks[1].requests).toBe(0);
    expect(fx.proxy.events.of('retryBudgetRejected')).toEqual([{ upstream: 'backup_1' }]);
  });

  it('lets the client lower the deadline with a header', async () => {
    // GIVEN upstreams that answer after 2 s and a per-try timeout of 3 s
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'latency', ms: 2000 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { requestSeconds: 3, deadlineSeconds: 10 } }));
    // WHEN the client allows only 100 ms
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT, { [HEADERS.timeoutMs]: '100' });
    // THEN the proxy answers 504 upstream_timeout
    expect(res.status).toBe(504);
    expect(res.json().error.code).toBe('upstream_timeout');
  });

  it('does not count a try cut short by the client deadline against the breaker, but still answers 504', async () => {
    // GIVEN one hanging upstream, a 300 ms per-try timeout and a breaker that opens after 3 failures
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'hang' });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { retries: { maxRetries: 0 } }));
    // WHEN four clients each lower the deadline to 50 ms
    for (let i = 0; i < 4; i++) {
      const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT, { [HEADERS.timeoutMs]: '50' });
      // THEN each gets 504 upstream_timeout
      expect(res.status).toBe(504);
      expect(res.json().error.code).toBe('upstream_timeout');
    }
    // AND the breaker saw no failure
    expect(fx.proxy.engine.upstreamStatus()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    // AND a real per-try timeout still counts
    const slow = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(slow.status).toBe(504);
    expect(fx.proxy.engine.upstreamStatus()[0].consecutiveFailures).toBe(1);
  });

  it('bounds headers and body of one try by one per-try timeout', async () => {
    // GIVEN an upstream that sends headers after 250 ms and its body 250 ms later, and a 300 ms per-try timeout
    const upstream = await startRawUpstream((req, res) => {
      req.resume();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        setTimeout(() => res.end(JSON.stringify({ id: 'x', choices: [] })), 250);
      }, 250);
    });
    fx.cleanups.push(upstream.close);
    fx.proxy = await startTestProxy(testConfig({
      upstreams: [{ name: 'primary', baseUrl: upstream.url }],
      retries: { maxRetries: 0 },
      timeouts: { connectSeconds: 1, requestSeconds: 0.3, deadlineSeconds: 5 },
    }));
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the try times out (the body does not get a fresh 300 ms)
    expect(res.status).toBe(504);
    expect(res.json().error.code).toBe('upstream_timeout');
  });

  it('reports every failed retryable attempt in requestFinished.failedAttempts', async () => {
    // GIVEN a primary answering 503 and a healthy backup, with a breaker that stays closed
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 503 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { circuitBreaker: { failureThreshold: 10 } }));
    // WHEN a request is served by the backup
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN one failed attempt and one upstream switch are recorded
    expect(res.status).toBe(200);
    expect(fx.proxy.events.of('requestFinished')[0]).toMatchObject({ failedAttempts: 1, failovers: 1, attempts: 2 });
  });
});
