import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { metricValue, startProxyWith, startUpstream, useLoopbackFixture, yamlFor } from './loopback';

const ATTEMPTS = 'ai_failover_upstream_attempts_total';
const STREAM = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hello' }] };

const chunk = (delta: Record<string, unknown>): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 0, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;

/** Starts a stream with its first content (so it is committed to the client), then leaves the rest to `then`. */
const contentThen = (then: (res: ServerResponse) => void) => (_req: unknown, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hello' }));
  setTimeout(() => then(res), 50);
};

interface LastError {
  readonly code?: string;
  readonly outcome: string;
  readonly status?: number;
}

interface StatusView {
  readonly upstreams: { readonly name: string; readonly lastError: LastError | null }[];
}

describe('a stream that breaks after output started keeps its error code', () => {
  const fx = useLoopbackFixture();

  /** Streams one request and returns the client's text, the request line, the attempt line and /v1/status's lastError. */
  const streamOnce = async (extra: readonly string[] = []) => {
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream!.url }], ['retries: {maxRetries: 0}', ...extra]));
    const res = await fetch(`${fx.running.proxy.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(STREAM),
    });
    const text = await res.text();
    const logs = fx.running.logs();
    const request = logs.find((l) => l.event === 'request' && l.route === '/v1/chat/completions');
    const attempt = logs.find((l) => l.event === 'attempt_failed');
    const status = (await (await fetch(`${fx.running.proxy.url}/v1/status`)).json()) as StatusView;
    return { text, request, attempt, lastError: status.upstreams[0]!.lastError, metrics: await fx.running.metrics() };
  };

  it('shows the socket code of an upstream that resets the connection mid-stream', async () => {
    // GIVEN an upstream that sends content and then resets the connection
    fx.upstream = await startUpstream(contentThen((res) => res.socket?.resetAndDestroy()));
    // WHEN a client streams
    const seen = await streamOnce();
    // THEN the client got the content and the route's error event
    expect(seen.text).toContain('Hello');
    expect(seen.text).toContain('upstream_stream_broken');
    // AND the socket code is on the request line, the attempt line and /v1/status, with the outcome
    const code = seen.request?.upstreamErrorCode;
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(code);
    expect(seen.request?.errorCode).toBe('upstream_stream_broken');
    expect(seen.attempt).toMatchObject({ upstream: 'primary', outcome: 'connection_error', errorCode: code });
    expect(seen.lastError).toMatchObject({ code, outcome: 'connection_error', status: 200 });
    // AND the attempt is counted with the outcome it really had
    expect(metricValue(seen.metrics, ATTEMPTS, 'outcome="connection_error"')).toBe(1);
    expect(metricValue(seen.metrics, ATTEMPTS, 'outcome="success"')).toBe(0);
  });

  it('shows PROXY_STREAM_IDLE_TIMEOUT when the upstream goes silent mid-stream', async () => {
    // GIVEN an upstream that sends content and then nothing, with a short idle timeout
    fx.upstream = await startUpstream(contentThen(() => undefined));
    // WHEN a client streams
    const seen = await streamOnce(['timeouts: {streamIdleSeconds: 0.3}']);
    // THEN the idle timer's code is on the request line, the attempt line and /v1/status
    expect(seen.text).toContain('upstream_timeout');
    expect(seen.request?.upstreamErrorCode).toBe('PROXY_STREAM_IDLE_TIMEOUT');
    expect(seen.attempt).toMatchObject({ outcome: 'timeout', errorCode: 'PROXY_STREAM_IDLE_TIMEOUT' });
    expect(seen.lastError).toMatchObject({ code: 'PROXY_STREAM_IDLE_TIMEOUT', outcome: 'timeout' });
  });

  it('records an upstream that ends its stream before the end event as its last error', async () => {
    // GIVEN an upstream that ends the response cleanly without [DONE]
    fx.upstream = await startUpstream(contentThen((res) => res.end()));
    // WHEN a client streams
    const seen = await streamOnce();
    // THEN the failure is on the attempt line and /v1/status, with the outcome
    expect(seen.request?.errorCode).toBe('upstream_stream_incomplete');
    expect(seen.attempt).toMatchObject({ outcome: 'connection_error' });
    expect(seen.lastError).toMatchObject({ outcome: 'connection_error', status: 200 });
  });

  it('counts a stream that ends well as one successful attempt and records no error', async () => {
    // GIVEN an upstream that ends its stream properly
    fx.upstream = await startUpstream(contentThen((res) => res.end('data: [DONE]\n\n')));
    // WHEN a client streams
    const seen = await streamOnce();
    // THEN one successful attempt, no attempt line, no last error
    expect(seen.text).toContain('[DONE]');
    expect(seen.attempt).toBeUndefined();
    expect(seen.request?.upstreamErrorCode).toBeUndefined();
    expect(seen.lastError).toBeNull();
    expect(metricValue(seen.metrics, ATTEMPTS, 'outcome="success"')).toBe(1);
  });
});
