import { describe, expect, it, vi } from 'vitest';
import { ProxyEngine } from '../../../runtime/proxy/proxy-engine';
import { PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('the engine under a reloaded config', () => {
  const fx = useProxyFixture();

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

  it('applies a reloaded failureThreshold to a kept breaker and keeps its count', async () => {
    // GIVEN a failing upstream whose breaker opens after 2 failures, with one failure recorded
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'status', status: 500 });
    const before = configFor(fx.mocks, { retries: { maxRetries: 0 }, circuitBreaker: { failureThreshold: 2 } });
    fx.proxy = await startTestProxy(before);
    await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(fx.proxy.engine.upstreamStatus()[0].consecutiveFailures).toBe(1);
    // WHEN a reload raises the threshold to 5 and three more requests fail
    fx.proxy.engine.reconfigure(configFor(fx.mocks, { retries: { maxRetries: 0 }, circuitBreaker: { failureThreshold: 5 } }));
    for (let i = 0; i < 3; i++) await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the breaker is still closed, with all four failures counted
    expect(fx.proxy.engine.upstreamStatus()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 4 });
    expect(fx.mocks[0].requests).toBe(4);
  });

  it('applies a reloaded requestSeconds to the upstream pool', async () => {
    // GIVEN an upstream that answers after 1.5 s and a 300 ms per-try timeout
    // (undici checks its own timeouts on a ~0.5 s tick, so the gap is wide)
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'latency', ms: 1500 });
    const fast = { connectSeconds: 1, requestSeconds: 0.3, deadlineSeconds: 5, firstTokenSeconds: 0.5, streamIdleSeconds: 1 };
    fx.proxy = await startTestProxy(configFor(fx.mocks, { retries: { maxRetries: 0 }, timeouts: fast }));
    expect((await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT)).status).toBe(504);
    // WHEN a reload raises the per-try timeout to 4 s
    fx.proxy.engine.reconfigure(configFor(fx.mocks, { retries: { maxRetries: 0 }, timeouts: { ...fast, requestSeconds: 4 } }));
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the slow answer arrives
    expect(res.status).toBe(200);
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
});
