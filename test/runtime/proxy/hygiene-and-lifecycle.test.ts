import { request } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { ProxyEngine } from '../../../runtime/proxy/proxy-engine';
import { HEADERS, PATHS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] };

describe('ProxyEngine hygiene and lifecycle', () => {
  const fx = useProxyFixture();

  it('strips hop-by-hop headers and those named in Connection, and never forwards the client key', async () => {
    // GIVEN one upstream
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a request carries hop-by-hop headers (raw http to control them)
    const url = new URL(PATHS.chatCompletions, fx.proxy.origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'authorization': 'Bearer client-secret-key',
          'connection': 'keep-alive, x-private-hop',
          'x-private-hop': 'secret',
          'proxy-authorization': 'Basic abc',
          'te': 'trailers',
          'x-kept': 'yes',
        },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify(CHAT));
    });
    // THEN the upstream sees none of them, and its own key
    expect(status).toBe(200);
    const headers = fx.mocks[0].received[0].headers;
    expect(headers['x-private-hop']).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers.te).toBeUndefined();
    expect(headers['x-kept']).toBe('yes');
    expect(headers.authorization).toBe('Bearer sk-upstream-test');
    expect(JSON.stringify(fx.mocks[0].received)).not.toContain('client-secret-key');
  });

  it('does not follow an upstream redirect: it counts as a failure and fails over', async () => {
    // GIVEN a primary answering 302 to somewhere else
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 302, body: { moved: true } });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the backup answers; the redirect never reached the client
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
  });

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

  it('keeps breakers of unchanged upstreams across reconfigure and starts new ones closed', async () => {
    // GIVEN an open primary
    fx.mocks = await startMocks(3);
    fx.mocks[0].setMode({ kind: 'status', status: 429, retryAfterSeconds: 30 });
    const config = configFor(fx.mocks.slice(0, 2));
    fx.proxy = await startTestProxy(config);
    await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(fx.proxy.engine.upstreamStatus()[0].state).toBe('open');
    const oldBackup = fx.mocks[1].requests;
    // WHEN the config swaps backup_1 for backup_2
    const next = configFor([fx.mocks[0], fx.mocks[2]]);
    fx.proxy.engine.reconfigure(next);
    // THEN the primary is still open, the new one is closed and serves traffic
    expect(fx.proxy.engine.config).toBe(next);
    const status = fx.proxy.engine.upstreamStatus();
    expect(status.map((s) => [s.name, s.state])).toEqual([['primary', 'open'], ['backup_2', 'closed']]);
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(res.status).toBe(200);
    expect(fx.mocks[2].requests).toBe(1);
    expect(fx.mocks[1].requests).toBe(oldBackup);
  });

  it('warns about a missing upstream key, naming the upstream and env var, never a value', async () => {
    // GIVEN a config whose key env var is empty
    fx.mocks = await startMocks(1);
    const warn = vi.fn();
    const logger = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn() };
    // WHEN the engine is built
    const engine = new ProxyEngine({ config: configFor(fx.mocks), env: {}, logger });
    await engine.close();
    // THEN one warning names primary and HOLYSHEEP_API_KEY
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).toContain('primary');
    expect(JSON.stringify(warn.mock.calls[0])).toContain('HOLYSHEEP_API_KEY');
  });

  it('a passing active health check closes a breaker early', async () => {
    // GIVEN health checks every 50 ms and a primary opened by a 429 with a long Retry-After
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 429, retryAfterSeconds: 30 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { healthChecks: { enabled: true, intervalSeconds: 0.05, timeoutSeconds: 1 } }));
    await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(fx.proxy.engine.upstreamStatus()[0].state).toBe('open');
    // WHEN the primary recovers
    fx.mocks[0].setMode({ kind: 'ok' });
    // THEN a GET /models check goes out and the next request goes to the primary
    await eventually(() => expect(fx.mocks[0].received.find((r) => r.method === 'GET')?.path).toBe('/v1/models'));
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
  });

  it('admits at most halfOpenMaxCalls probes to a recovering upstream among 50 concurrent requests', async () => {
    // GIVEN a primary opened by a 429, now slow but healthy, and a clock past its open time
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 429, retryAfterSeconds: 5 });
    let now = 5_000_000;
    const config = configFor(fx.mocks, { circuitBreaker: { halfOpenMaxCalls: 3 }, timeouts: { requestSeconds: 5, deadlineSeconds: 10 } });
    fx.proxy = await startTestProxy(config, { now: () => now });
    await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    const before = fx.mocks[0].requests;
    fx.mocks[0].setMode({ kind: 'latency', ms: 800 });
    now += 6_000;
    // WHEN 50 requests arrive at once
    const replies = await Promise.all(Array.from({ length: 50 }, () => postJson(fx.proxy!.origin, PATHS.chatCompletions, CHAT)));
    // THEN every one succeeds, only 3 probes reached the primary, and it closed again
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(fx.mocks[0].requests - before).toBe(3);
    expect(replies.filter((r) => r.headers.get(HEADERS.upstream) === 'primary')).toHaveLength(3);
    expect(fx.proxy.engine.upstreamStatus()[0].state).toBe('closed');
  });

  it('aborts the upstream request when a non-streaming client goes away', async () => {
    // GIVEN a primary that hangs
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'hang' });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { requestSeconds: 5, deadlineSeconds: 10 } }));
    // WHEN the client sends a request and disconnects once the upstream has it
    const controller = new AbortController();
    const req = fetch(`${fx.proxy.origin}${PATHS.chatCompletions}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CHAT), signal: controller.signal,
    }).catch(() => undefined);
    await eventually(() => expect(fx.mocks[0].requests).toBe(1));
    controller.abort();
    await req;
    // THEN the upstream connection of that request is closed at once, and it is not counted as a failure
    await eventually(() => expect(fx.mocks[0].aborted).toBe(1));
    expect(fx.proxy.engine.upstreamStatus()[0].consecutiveFailures).toBe(0);
  });
});
