import { describe, expect, it } from 'vitest';
import { HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi there' }] };

describe('ProxyEngine failover', () => {
  const fx = useProxyFixture();

  it('answers from the primary on the first try with the proxy headers and cost', async () => {
    // GIVEN two healthy upstreams
    fx.mocks = await startMocks(2);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a chat completion is sent with a client key and a request id
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT, { 'x-request-id': 'req-1', 'traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    // THEN the primary serves it, annotated, priced, with the upstream key and not the client's
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
    expect(res.headers.get(HEADERS.attempts)).toBe('1');
    expect(res.headers.get(HEADERS.requestId)).toBe('req-1');
    expect(Number(res.headers.get(HEADERS.overheadMs))).toBeGreaterThanOrEqual(0);
    expect(Number(res.headers.get(HEADERS.costUsd))).toBeGreaterThan(0);
    expect(res.json().usage.total_tokens).toBeGreaterThan(0);
    expect(fx.mocks[0].requests).toBe(1);
    expect(fx.mocks[1].requests).toBe(0);
    const sent = fx.mocks[0].received[0];
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-test');
    expect(sent.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(sent.path).toBe('/v1/chat/completions');
    const finished = fx.proxy.events.of('requestFinished')[0];
    expect(finished).toMatchObject({ status: 200, upstream: 'primary', attempts: 1, failovers: 0, model: 'gpt-4.1' });
    expect(finished.costUsd).toBeGreaterThan(0);
  });

  it.each([
    ['503', { kind: 'status', status: 503 } as const],
    ['connection reset', { kind: 'reset' } as const],
    ['hang', { kind: 'hang' } as const],
    ['429 with Retry-After', { kind: 'status', status: 429, retryAfterSeconds: 7 } as const],
  ])('fails over to the backup when the primary answers %s', async (_label, mode) => {
    // GIVEN a failing primary and a healthy backup
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode(mode);
    const config = configFor(fx.mocks);
    fx.proxy = await startTestProxy(config);
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the backup answers 200 within MAX_RETRIES+1 attempts
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
    const attempts = Number(res.headers.get(HEADERS.attempts));
    expect(attempts).toBe(2);
    expect(attempts).toBeLessThanOrEqual(config.retries.maxRetries + 1);
    expect(fx.proxy.events.of('failover')[0]).toMatchObject({ from: 'primary', to: 'backup_1' });
  });

  it('uses a 429 Retry-After as the open time of that upstream', async () => {
    // GIVEN a primary that rate-limits with Retry-After: 7, and a fixed clock
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 429, retryAfterSeconds: 7 });
    const now = 1_700_000_000_000;
    fx.proxy = await startTestProxy(configFor(fx.mocks), { now: () => now });
    // WHEN one request goes through
    await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the primary is open for exactly 7 s (no jitter on a Retry-After)
    const status = fx.proxy.engine.upstreamStatus().find((u) => u.name === 'primary')!;
    expect(status.state).toBe('open');
    expect(Date.parse(status.openUntil!) - now).toBe(7000);
  });

  it('keeps traffic off an open primary and brings it back after recovery', async () => {
    // GIVEN a failing primary, threshold 3, and a controllable clock
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 500 });
    let now = 1_000_000;
    const breakerConfig = configFor(fx.mocks, { circuitBreaker: { failureThreshold: 3, recoveryTimeoutSeconds: 10, halfOpenMaxCalls: 1 } });
    fx.proxy = await startTestProxy(breakerConfig, { now: () => now });
    // WHEN enough requests fail on it to open the breaker
    for (let i = 0; i < 3; i++) {
      expect((await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT)).status).toBe(200);
    }
    expect(fx.proxy.engine.upstreamStatus()[0].state).toBe('open');
    const counted = fx.mocks[0].requests;
    for (let i = 0; i < 5; i++) {
      const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
      // THEN an open breaker costs no attempt: the backup answers on attempt 1
      expect(res.headers.get(HEADERS.attempts)).toBe('1');
      expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
    }
    expect(fx.mocks[0].requests).toBe(counted);
    // WHEN the primary recovers and the open time passes
    fx.mocks[0].setMode({ kind: 'ok' });
    now += 12_000;
    const back = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the probe closes the breaker and traffic returns to the primary
    expect(back.headers.get(HEADERS.upstream)).toBe('primary');
    expect(fx.proxy.engine.upstreamStatus()[0].state).toBe('closed');
    expect(fx.proxy.events.of('breakerTransition').map((t) => `${t.from}>${t.to}`)).toEqual(['closed>open', 'open>half_open', 'half_open>closed']);
  });

  it('passes a 400 straight through without retry and without counting it', async () => {
    // GIVEN a primary that answers 400
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 400, body: { error: { message: 'context too long', type: 'invalid_request_error', code: 'context_length_exceeded' } } });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the client gets that 400, the backup is never asked, the breaker has no failure
    expect(res.status).toBe(400);
    expect(res.json().error.code).toBe('context_length_exceeded');
    expect(res.headers.get(HEADERS.attempts)).toBe('1');
    expect(fx.mocks[1].requests).toBe(0);
    expect(fx.proxy.engine.upstreamStatus()[0].consecutiveFailures).toBe(0);
  });

  it('answers 502 all_upstreams_failed after at most MAX_RETRIES+1 attempts', async () => {
    // GIVEN every upstream failing with 500 and maxRetries 2
    fx.mocks = await startMocks(2);
    fx.mocks.forEach((m) => m.setMode({ kind: 'status', status: 500 }));
    const config = configFor(fx.mocks, { retries: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 }, circuitBreaker: { failureThreshold: 10 } });
    fx.proxy = await startTestProxy(config);
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN it walks primary, backup, primary and gives up with 502
    expect(res.status).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'all_upstreams_failed', type: 'api_error' });
    expect(res.headers.get(HEADERS.attempts)).toBe('3');
    expect(fx.mocks[0].requests + fx.mocks[1].requests).toBe(3);
  });

  it('answers 429 with Retry-After when every attempt is rate limited', async () => {
    // GIVEN every upstream answering 429
    fx.mocks = await startMocks(2);
    fx.mocks.forEach((m) => m.setMode({ kind: 'status', status: 429, retryAfterSeconds: 3 }));
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN 429 with the upstream's Retry-After
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('answers 503 all_circuits_open without touching any upstream', async () => {
    // GIVEN two upstreams opened by 429s with a long Retry-After
    fx.mocks = await startMocks(2);
    fx.mocks.forEach((m) => m.setMode({ kind: 'status', status: 429, retryAfterSeconds: 20 }));
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    const counted = fx.mocks[0].requests + fx.mocks[1].requests;
    // WHEN another request arrives
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN 503 with Retry-After, no upstream asked
    expect(res.status).toBe(503);
    expect(res.json().error.code).toBe('all_circuits_open');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get(HEADERS.attempts)).toBe('0');
    expect(fx.mocks[0].requests + fx.mocks[1].requests).toBe(counted);
  });

  it('answers 504 upstream_timeout when the last failure is a timeout', async () => {
    // GIVEN a single upstream that hangs
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'hang' });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { retries: { maxRetries: 0 } }));
    // WHEN a request is sent
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN 504
    expect(res.status).toBe(504);
    expect(res.json().error.code).toBe('upstream_timeout');
  });

  it('refuses bad requests with OpenAI errors', async () => {
    // GIVEN a proxy whose upstream serves only gpt-4.1 and a 2 KiB body limit
    fx.mocks = await startMocks(1, { models: ['gpt-4.1'] });
    const config = configFor(fx.mocks, { limits: { maxBodyBytes: 2048 } });
    config.upstreams[0].models.push('gpt-4.1');
    fx.proxy = await startTestProxy(config);
    // WHEN / THEN invalid JSON → 400, too large → 413, unknown model → 404
    const bad = await postJson(fx.proxy.origin, PATHS.chatCompletions, '{nope');
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error' });
    const big = await postJson(fx.proxy.origin, PATHS.chatCompletions, { ...CHAT, pad: 'x'.repeat(4000) });
    expect(big.status).toBe(413);
    expect(big.json().error.code).toBe('request_too_large');
    const unknown = await postJson(fx.proxy.origin, PATHS.chatCompletions, { ...CHAT, model: 'no-such-model' });
    expect(unknown.status).toBe(404);
    expect(unknown.json().error.code).toBe('model_not_found');
    expect(fx.mocks[0].requests).toBe(0);
  });

  it('rewrites the model name per upstream and prices on the client model', async () => {
    // GIVEN a backup that calls the model differently
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 503 });
    const config = configFor(fx.mocks);
    config.upstreams[1].modelRewrites['gpt-4.1'] = 'deepseek-v3.2';
    fx.proxy = await startTestProxy(config);
    // WHEN the primary fails
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    // THEN the backup receives the rewritten name
    expect(res.status).toBe(200);
    expect(JSON.parse(fx.mocks[1].received[0].body).model).toBe('deepseek-v3.2');
    expect(fx.proxy.events.of('requestFinished')[0].model).toBe('gpt-4.1');
  });

  it('serves embeddings and GET /v1/models', async () => {
    // GIVEN one upstream
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN embeddings and models are asked
    const emb = await postJson(fx.proxy.origin, PATHS.embeddings, { model: 'gpt-4.1', input: 'abc' });
    const models = await fetch(`${fx.proxy.origin}${PATHS.models}`);
    // THEN both are relayed
    expect(emb.status).toBe(200);
    expect(emb.json().data[0].embedding).toHaveLength(3);
    expect(models.status).toBe(200);
    expect(models.headers.get(HEADERS.upstream)).toBe('primary');
    expect(((await models.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
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
});
