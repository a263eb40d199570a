import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chatCompletion, postChat, startProxyWith, startUpstream, useLoopbackFixture, yamlFor } from './loopback';

const ENCODERS: Record<string, (data: Buffer) => Buffer> = {
  gzip: (data) => gzipSync(data),
  br: (data) => brotliCompressSync(data),
  deflate: (data) => deflateSync(data),
};

const SSE = [
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}',
  'data: [DONE]',
].map((line) => `${line}\n\n`).join('');

describe('compressed upstream bodies are decoded', () => {
  const fx = useLoopbackFixture();

  it.each(Object.keys(ENCODERS))('passes a %s JSON answer on decoded, priced, with headers matching the body', async (encoding) => {
    // GIVEN an upstream that compresses its JSON although the proxy asks for identity
    const plain = chatCompletion('compressed hello', { prompt_tokens: 100, completion_tokens: 50 });
    fx.upstream = await startUpstream((_req, res) => {
      const encoded = ENCODERS[encoding]!(Buffer.from(plain));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': encoded.length });
      res.end(encoded);
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    // WHEN a client asks without accepting any encoding (a raw body is what it can read)
    const res = await postChat(fx.running.proxy.url, {}, { 'accept-encoding': 'identity' });
    const text = await res.text();
    // THEN the body is the upstream's JSON, decoded, described by its headers, and priced
    expect(fx.upstream.received[0]!.headers['accept-encoding']).toBe('identity');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).choices[0].message.content).toBe('compressed hello');
    expect(Number(res.headers.get('x-failover-cost-usd'))).toBeGreaterThan(0);
  });

  it('decodes a gzip error body too, so the client reads the upstream error', async () => {
    // GIVEN an upstream whose 400 is gzip-compressed
    fx.upstream = await startUpstream((_req, res) => {
      const encoded = gzipSync(Buffer.from(JSON.stringify({ error: { message: 'bad model', code: 'model_not_found' } })));
      res.writeHead(400, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(encoded);
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    // WHEN a client sends a request
    const res = await postChat(fx.running.proxy.url);
    // THEN it reads the error as JSON
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
  });

  it('decodes a gzip SSE stream so the relay sees events and the client gets plain text', async () => {
    // GIVEN an upstream that streams gzip-compressed SSE
    fx.upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      res.end(gzipSync(Buffer.from(SSE)));
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    // WHEN a client asks for a stream
    const res = await postChat(fx.running.proxy.url, { stream: true }, { 'accept-encoding': 'identity' });
    const text = await res.text();
    // THEN the client receives the events as plain SSE ending in [DONE]
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(text).toContain('"content":"Hel"');
    expect(text).toContain('data: [DONE]');
    expect(text).not.toContain('upstream_stream_incomplete');
  });
});
