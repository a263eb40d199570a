import { describe, expect, it } from 'vitest';
import { chatCompletion, metricValue, postChat, startProxyWith, startUpstream, UPSTREAM_KEY, useLoopbackFixture, yamlFor } from './loopback';

const REDACTIONS = 'ai_failover_response_redactions_total';
const REDIS_PASSWORD = 'redis-pass-9f8e7d6c5b';
const EGRESS_PASSWORD = 'egress-pass-1a2b3c4d5e';

describe('upstream secrets echoed in responses are redacted', () => {
  const fx = useLoopbackFixture();

  it('redacts the upstream key quoted in a 401 body and in response headers, and counts it', async () => {
    // GIVEN an upstream that quotes the Authorization header it received, in its body and its headers
    fx.upstream = await startUpstream((req, res) => {
      const auth = String(req.headers.authorization);
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer realm="api", error="invalid_token", token="${auth.slice(7)}"`,
        'x-debug-authorization': auth,
      });
      res.end(JSON.stringify({ error: { message: `invalid key: ${auth}`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    // WHEN a client sends a request
    const res = await postChat(fx.running.proxy.url);
    const text = await res.text();
    // THEN the client sees the 401 and its message, but never the upstream key
    expect(res.status).toBe(401);
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).toContain('[redacted]');
    expect(JSON.parse(text).error.code).toBe('invalid_api_key');
    expect(res.headers.get('www-authenticate')).not.toContain(UPSTREAM_KEY);
    expect(res.headers.get('x-debug-authorization')).toBe('Bearer [redacted]');
    // AND the redactions are counted (one body, two headers)
    expect(metricValue(await fx.running.metrics(), REDACTIONS)).toBe(3);
  });

  it('redacts the key from a 200 JSON body and keeps the length header right', async () => {
    // GIVEN an upstream whose successful answer echoes the key
    fx.upstream = await startUpstream((req, res) => {
      const body = chatCompletion(`your key is ${String(req.headers.authorization)}`);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    // WHEN a client sends a request
    const res = await postChat(fx.running.proxy.url);
    const text = await res.text();
    // THEN the answer is whole, priced and key-free
    expect(res.status).toBe(200);
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).choices[0].message.content).toBe('your key is Bearer [redacted]');
    expect(Number(res.headers.get('x-failover-cost-usd'))).toBeGreaterThan(0);
  });

  it('redacts every configured upstream key, the Redis password and the egress proxy password', async () => {
    // GIVEN two upstreams with their own keys, a Redis URL and an egress proxy with credentials
    const otherKey = 'sk-backup-SECRET-abcdefghij';
    fx.upstream = await startUpstream((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'x-leak': `${otherKey} ${REDIS_PASSWORD}` });
      res.end(JSON.stringify({ error: { message: `seen: ${UPSTREAM_KEY} ${otherKey} ${REDIS_PASSWORD} ${EGRESS_PASSWORD}`, code: 'bad' } }));
    });
    const yaml = [
      'upstreams:',
      `  - {name: primary, baseUrl: "${fx.upstream.url}", priority: 0}`,
      `  - {name: backup, baseUrl: "${fx.upstream.url}", priority: 1, apiKeyEnv: BACKUP_KEY}`,
      `egress: {httpsProxy: "http://user:${EGRESS_PASSWORD}@127.0.0.1:9", noProxy: "127.0.0.1"}`,
    ].join('\n');
    fx.running = await startProxyWith(yaml, { BACKUP_KEY: otherKey, REDIS_URL: `redis://default:${REDIS_PASSWORD}@127.0.0.1:6399/0` });
    // WHEN a client sends a request the upstream refuses
    const res = await postChat(fx.running.proxy.url);
    const text = await res.text();
    // THEN none of the secrets reaches the client, in the body or the headers
    expect(res.status).toBe(400);
    for (const secret of [UPSTREAM_KEY, otherKey, REDIS_PASSWORD, EGRESS_PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(res.headers.get('x-leak') ?? '').not.toContain(secret);
    }
    expect(text.split('[redacted]').length - 1).toBe(4);
  });

  it('redacts the key an Anthropic upstream quotes from its x-api-key, natively and across formats', async () => {
    // GIVEN an Anthropic-format upstream whose 401 quotes the x-api-key it received
    fx.upstream = await startUpstream((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-seen-key': String(req.headers['x-api-key']) });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${String(req.headers['x-api-key'])}` } }));
    });
    fx.running = await startProxyWith([
      'upstreams:',
      `  - {name: claude, baseUrl: "${fx.upstream.url}", priority: 0, format: anthropic}`,
    ].join('\n'));
    // WHEN an Anthropic client and an OpenAI client (translated) send requests
    const native = await fetch(`${fx.running.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4.5', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }),
    });
    const translated = await postChat(fx.running.proxy.url, { model: 'claude-sonnet-4.5' });
    // THEN neither sees the key, in the body or the headers
    for (const res of [native, translated]) {
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(UPSTREAM_KEY);
      expect(res.headers.get('x-seen-key') ?? '').not.toContain(UPSTREAM_KEY);
    }
    expect(fx.upstream.received[0]!.headers['x-api-key']).toBe(UPSTREAM_KEY);
  });
});
