import { describe, expect, it } from 'vitest';
import { metricValue, postChat, startProxyWith, startUpstream, UPSTREAM_KEY, useLoopbackFixture, yamlFor } from './loopback';
import { SecretRedactor } from '../../../runtime/proxy/response/secret-redactor';

describe('secrets in a body too large to buffer (passed through unbuffered) are redacted', () => {
  const fx = useLoopbackFixture();

  it('redacts the key in every chunk after the buffered head, a key split across chunks included', async () => {
    // GIVEN an upstream whose 200 JSON body (over limits.maxResponseBytes) quotes the key 200 times, written 7 bytes at a time
    fx.upstream = await startUpstream((req, res) => {
      const body = JSON.stringify({ echoes: Array.from({ length: 200 }, () => `key=${String(req.headers.authorization)}`) });
      res.writeHead(200, { 'content-type': 'application/json' });
      const write = (at: number): void => {
        if (at >= body.length) {
          res.end();
          return;
        }
        res.write(body.slice(at, at + 7));
        setImmediate(() => write(at + 7));
      };
      write(0);
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }], ['limits: {maxResponseBytes: 1024}']));
    // WHEN a client asks
    const res = await postChat(fx.running.proxy.url);
    const text = await res.text();
    // THEN the body arrives whole (valid JSON) without the key, each one redacted and counted
    expect(res.status).toBe(200);
    expect(text).not.toContain(UPSTREAM_KEY);
    expect((JSON.parse(text) as { echoes: string[] }).echoes.every((e) => e === 'key=Bearer [redacted]')).toBe(true);
    expect(metricValue(await fx.running.metrics(), 'ai_failover_response_redactions_total')).toBe(200);
  });

  it('finds a secret fed one byte per chunk to the chunk redactor', () => {
    // GIVEN a chunk redactor for one key
    const chunks = new SecretRedactor([UPSTREAM_KEY]).chunkRedactor();
    // WHEN a text with the key twice arrives one byte at a time
    const input = Buffer.from(`a ${UPSTREAM_KEY} b ${UPSTREAM_KEY}`);
    const out: Buffer[] = [];
    for (const byte of input) out.push(chunks.push(Buffer.from([byte])));
    out.push(chunks.end());
    // THEN the output is the text with both replaced
    expect(Buffer.concat(out).toString()).toBe('a [redacted] b [redacted]');
    expect(chunks.count).toBe(2);
  });
});
