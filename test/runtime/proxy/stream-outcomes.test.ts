import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy, testConfig } from '../../support/proxy-harness';
import { startRawUpstream } from '../../support/raw-upstream';

const STREAM = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] };

describe('what a stream counts against its upstream', () => {
  const fx = useProxyFixture();

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
});
