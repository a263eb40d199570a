import { describe, expect, it } from 'vitest';
import { HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi there' }] };

describe('x-failover-timeout-ms validation', () => {
  const fx = useProxyFixture();

  it.each(['abc', '-5', '0', ''])('GIVEN the header %j WHEN a chat completion is sent THEN 400 invalid_timeout names header and value, and no upstream is called', async (value) => {
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT, { [HEADERS.timeoutMs]: value });
    expect(res.status).toBe(400);
    const body = res.json();
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.code).toBe('invalid_timeout');
    expect(body.error.message).toContain(HEADERS.timeoutMs);
    expect(body.error.message).toContain(`(received ${JSON.stringify(value)})`);
    expect(fx.mocks[0].requests).toBe(0);
  });

  it('caps a huge x-failover-timeout-ms to the deadline and serves the request', async () => {
    // GIVEN a huge header value, WHEN a chat completion is sent, THEN it is capped to the deadline and served
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT, { [HEADERS.timeoutMs]: '1e12' });
    expect(res.status).toBe(200);
  });
});

describe('exhausted attempts message', () => {
  const fx = useProxyFixture();

  it('says "1 attempt" in the message when one attempt failed', async () => {
    // GIVEN one failing upstream and no retries, WHEN a request fails, THEN the message says "1 attempt"
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'status', status: 500 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { retries: { maxRetries: 0 } }));
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, CHAT);
    expect(res.status).toBe(502);
    expect(res.json().error.message).toMatch(/, 1 attempt\)$/);
  });
});
