import { describe, expect, it } from 'vitest';
import { postChat, startProxyWith, startUpstream, useLoopbackFixture, yamlFor } from './loopback';
import { eventually } from '../../support/eventually';

describe('the drain answers buffered requests still waiting on their upstream', () => {
  const fx = useLoopbackFixture();

  it('answers 503 server_shutting_down at the drain timeout instead of resetting the connection', async () => {
    // GIVEN an upstream that never answers and a proxy with a 0.3 s drain timeout
    fx.upstream = await startUpstream(() => undefined);
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }], [
      'timeouts: {requestSeconds: 20, deadlineSeconds: 30}',
      'lifecycle: {shutdownDelaySeconds: 0, drainTimeoutSeconds: 0.3}',
    ]));
    // AND a non-streamed request waiting on it
    const pending = postChat(fx.running.proxy.url);
    await eventually(() => expect(fx.upstream!.received).toHaveLength(1));
    // WHEN the proxy drains
    const drained = fx.running.proxy.drain();
    const res = await pending;
    // THEN the client gets an OpenAI-shaped 503 naming the shutdown, with the proxy headers
    expect(res.status).toBe(503);
    expect(res.headers.get('x-failover-upstream')).toBe('primary');
    expect(res.headers.get('connection')).toBe('close');
    const body = (await res.json()) as { error: { code: string; type: string; message: string } };
    expect(body.error).toMatchObject({ code: 'server_shutting_down', type: 'api_error' });
    expect((await drained).clean).toBe(false);
    // AND the request is recorded with that code, not counted against the upstream
    const line = fx.running.logs().find((l) => l.event === 'request' && l.route === '/v1/chat/completions');
    expect(line).toMatchObject({ status: 503, errorCode: 'server_shutting_down' });
    expect(fx.running.proxy.engine.upstreamStatus()[0]!.consecutiveFailures).toBe(0);
  });

  it('answers in the Anthropic error shape on /v1/messages', async () => {
    // GIVEN an Anthropic-format upstream that never answers
    fx.upstream = await startUpstream(() => undefined);
    fx.running = await startProxyWith([
      'upstreams:',
      `  - {name: claude, baseUrl: "${fx.upstream.url}", priority: 0, format: anthropic}`,
      'timeouts: {requestSeconds: 20, deadlineSeconds: 30}',
      'lifecycle: {shutdownDelaySeconds: 0, drainTimeoutSeconds: 0.3}',
    ].join('\n'));
    // AND a Messages request waiting on it
    const pending = fetch(`${fx.running.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4.5', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }),
    });
    await eventually(() => expect(fx.upstream!.received).toHaveLength(1));
    // WHEN the proxy drains
    const drained = fx.running.proxy.drain();
    const res = await pending;
    // THEN the client gets a 503 the Anthropic SDK reads as an API error
    expect(res.status).toBe(503);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.message).toContain('shutting down');
    await drained;
  });
});
