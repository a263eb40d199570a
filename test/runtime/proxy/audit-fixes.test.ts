import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../../runtime/core';
import { formatCost } from '../../../runtime/proxy/response/response-commit';
import { DEFAULT_PRICING, HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy, testConfig } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };
const STREAM = { ...CHAT, stream: true };

/** A hand-written upstream on 127.0.0.1:0 for cases the mock does not cover. */
async function startRawUpstream(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('ProxyEngine audit fixes', () => {
  const fx = useProxyFixture();

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

  it('serves GET /v1/models when every upstream has a models list', async () => {
    // GIVEN two upstreams that each list the models they serve
    fx.mocks = await startMocks(2);
    const config = configFor(fx.mocks);
    config.upstreams[0].models.push('gpt-4.1');
    config.upstreams[1].models.push('deepseek-v3.2');
    fx.proxy = await startTestProxy(config);
    // WHEN the model list is asked for
    const res = await fetch(`${fx.proxy.origin}${PATHS.models}`);
    // THEN the primary answers it
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
    expect(((await res.json()) as { object: string }).object).toBe('list');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('passes the model %j through unrewritten and prices it at 0', async (model) => {
    // GIVEN an upstream with a rewrite table and the default pricing
    fx.mocks = await startMocks(1);
    const config = configFor(fx.mocks);
    config.upstreams[0].modelRewrites['gpt-4.1'] = 'gpt-4.1-2025';
    fx.proxy = await startTestProxy(config);
    // WHEN a client names a model that is an Object.prototype property
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, { ...CHAT, model });
    // THEN the upstream receives that name, and the cost is a number (0), never NaN
    expect(res.status).toBe(200);
    expect(JSON.parse(fx.mocks[0].received[0].body).model).toBe(model);
    expect(res.headers.get(HEADERS.costUsd)).toBe('0');
    const finished = fx.proxy.events.of('requestFinished')[0];
    expect(finished.costUsd).toBe(0);
  });

  it('prices only own entries of the pricing table', () => {
    // GIVEN the default pricing
    // WHEN prototype names are priced
    // THEN they cost 0 and a real model still costs its price
    for (const model of ['constructor', '__proto__', 'toString', 'valueOf']) {
      expect(priceUsage(DEFAULT_PRICING, model, 1000, 1000)).toBe(0);
    }
    expect(priceUsage(DEFAULT_PRICING, 'gpt-4.1', 1_000_000, 0)).toBe(8);
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

  it('fails over a stream that ends cleanly before its first chunk instead of sending an empty 200', async () => {
    // GIVEN a primary whose stream ends without a chunk, and a healthy backup
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'empty-stream' });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a stream is requested
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN the backup serves the whole stream and the primary's try counts as a failure
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
    expect(res.headers.get(HEADERS.attempts)).toBe('2');
    expect(res.text).toContain('data: [DONE]');
    expect(res.text).not.toContain('"error"');
    expect(fx.proxy.engine.upstreamStatus()[0].consecutiveFailures).toBe(1);
  });

  it('does not blame the upstream when the client reads a stream slowly', async () => {
    // GIVEN an upstream that floods 16 MiB of SSE at once and a 300 ms stream idle timeout
    const chunk = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(4000) } }] })}\n\n`;
    const upstream = await startRawUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let sent = 0;
        const pump = (): void => {
          while (sent < 4096) {
            sent += 1;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end('data: [DONE]\n\n');
        };
        pump();
      });
    });
    fx.cleanups.push(upstream.close);
    const config = testConfig({
      upstreams: [{ name: 'primary', baseUrl: upstream.url }],
      retries: { maxRetries: 0 },
      timeouts: { connectSeconds: 1, requestSeconds: 2, deadlineSeconds: 10, firstTokenSeconds: 1, streamIdleSeconds: 0.3 },
    });
    fx.proxy = await startTestProxy(config);
    // WHEN a client opens the stream and stops reading for 1 s
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(`${fx.proxy!.origin}${PATHS.chatCompletions}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.pause();
        setTimeout(() => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
          res.on('error', reject);
          res.resume();
        }, 1000);
      });
      req.on('error', reject);
      req.end(JSON.stringify(STREAM));
    });
    // THEN the whole stream arrives, without an error event, and the upstream is not blamed
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"error"');
    expect(fx.proxy.engine.upstreamStatus()[0].consecutiveFailures).toBe(0);
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

  it('formats x-failover-cost-usd as a fixed decimal without exponent', () => {
    // GIVEN tiny, ordinary and zero costs
    // WHEN formatted / THEN no exponent, trailing zeros trimmed
    expect(formatCost(1.2e-7)).toBe('0.00000012');
    expect(formatCost(0.0006)).toBe('0.0006');
    expect(formatCost(20)).toBe('20');
    expect(formatCost(0)).toBe('0');
  });
});
