import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { round } from '../../../runtime/ops/usage-report';
import { HEADERS, METRICS, PATHS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { startMocks, startTestProxy, type TestProxy } from '../../support/proxy-harness';

const UPSTREAM_KEY = 'sk-upstream-SECRET-0123456789';
const CLIENT_KEY = 'client-key-SECRET-abcdef';

describe('app server (the front door, real engine, a mock upstream)', () => {
  let mock: MockUpstream;
  let proxy: TestProxy | undefined;
  const pending: AbortController[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    pending.splice(0).forEach((c) => c.abort());
    cleanups.splice(0).forEach((cleanup) => cleanup());
    await proxy?.close();
    proxy = undefined;
    await mock?.close();
  });

  const base = (): string => `upstreams: [{name: primary, baseUrl: "${mock.url}"}]\n`;
  /** Starts the proxy over one mock with `extra` YAML appended to the upstream list. */
  const start = async (extra = '', env: Record<string, string> = {}) => {
    [mock] = await startMocks(1);
    proxy = await startTestProxy(`${base()}${extra}`, { env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY, ...env } });
    return { p: proxy, logs: proxy.logs, path: proxy.configPath };
  };
  const chat = (url: string, headers: Record<string, string> = {}, body: object = { model: 'gpt-4.1', messages: [] }) =>
    fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  /** Sends a request the (hanging) mock never answers, and waits until the upstream has it: one request in flight. */
  const holdOne = async (url: string, headers: Record<string, string> = {}): Promise<void> => {
    mock.setMode({ kind: 'hang' });
    const controller = new AbortController();
    pending.push(controller);
    void fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"model":"gpt-4.1","messages":[]}', signal: controller.signal,
    }).catch(() => undefined);
    await eventually(() => expect(mock.requests).toBe(1));
  };
  const release = (): void => {
    pending.splice(0).forEach((c) => c.abort());
    mock.setMode({ kind: 'ok' });
  };

  it('serves health, proxies, counts usage and metrics, and tags every response with a request id', async () => {
    // GIVEN an open proxy
    const { p, logs } = await start();
    // WHEN a chat completion is sent with a client request id
    const ok = await chat(p.origin, { [HEADERS.requestId]: 'abc-123' });
    // THEN it is proxied and the id is echoed
    expect(ok.status).toBe(200);
    expect(ok.headers.get(HEADERS.requestId)).toBe('abc-123');
    const { usage: answered } = (await ok.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    // AND an unsafe id is replaced by a UUID, also on 404s
    const notFound = await fetch(`${p.origin}/nope`, { headers: { [HEADERS.requestId]: 'bad id<script>' } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get(HEADERS.requestId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await notFound.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // AND wrong methods get 405 with Allow
    const wrong = await fetch(`${p.origin}/v1/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    // AND /v1/usage has the request priced at gpt-4.1's $8 / $24 per 1M tokens
    const usage = (await (await fetch(`${p.origin}/v1/usage`)).json()) as Record<string, unknown>;
    expect(usage).toMatchObject({
      total_input_tokens: answered.prompt_tokens,
      total_output_tokens: answered.completion_tokens,
      total_cost_usd: round((answered.prompt_tokens * 8 + answered.completion_tokens * 24) / 1_000_000, 4),
      stats: { total_requests: 1, successful_requests: 1 },
    });
    // AND /metrics on the metrics port counts it
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.httpRequestsTotal}{route="/v1/chat/completions",model="gpt-4.1",status="200"} 1`);
    expect(metrics).toContain(`${METRICS.httpRequestsTotal}{route="other",model="other",status="404"} 1`);
    // AND the open proxy warned, and logged one line for the request
    expect(logs.some((l) => l.includes('"event":"auth_open"'))).toBe(true);
    const requestLine = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'request' && l.requestId === 'abc-123');
    expect(requestLine).toMatchObject({ status: 200, upstream: 'primary', attempts: 1, promptTokens: answered.prompt_tokens, completionTokens: answered.completion_tokens });
  });

  it('stays ready while every upstream is down and shows the breakers', async () => {
    // GIVEN a proxy whose only upstream failed and opened its breaker
    const { p } = await start('circuitBreaker: {failureThreshold: 1}\nretries: {maxRetries: 0}\n');
    mock.setMode({ kind: 'status', status: 503 });
    expect((await chat(p.origin)).status).toBe(502);
    // WHEN probes run
    const ready = await fetch(`${p.origin}/health/ready`);
    const live = await fetch(`${p.origin}/health/live`);
    const upstreams = (await (await fetch(`${p.origin}/health/upstreams`)).json()) as { upstreams: Array<{ name: string; state: string }> };
    // THEN readiness and liveness are 200; the upstream view shows the outage
    expect(ready.status).toBe(200);
    expect(live.status).toBe(200);
    expect(upstreams.upstreams).toEqual([expect.objectContaining({ name: 'primary', state: 'open', recentErrorRate: 1 })]);
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.circuitBreakerState}{upstream="primary"} 2`);
  });

  it('refuses a missing or wrong client key with 401 and never logs a key', async () => {
    // GIVEN client keys
    const { p, logs } = await start('', { PROXY_API_KEYS: CLIENT_KEY });
    // WHEN requests come with no key, a wrong key, the right key and the api-key header
    const missing = await chat(p.origin);
    const wrong = await chat(p.origin, { authorization: `Bearer ${CLIENT_KEY}x` });
    const right = await chat(p.origin, { authorization: `Bearer ${CLIENT_KEY}` });
    const apiKey = await fetch(`${p.origin}/v1/usage`, { headers: { 'api-key': CLIENT_KEY } });
    const status = await fetch(`${p.origin}/v1/status`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    // THEN
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(mock.received.at(-1)?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(apiKey.status).toBe(200);
    const statusText = await status.text();
    expect(statusText).not.toContain(UPSTREAM_KEY);
    // AND neither key appears in logs or metrics
    p.running.logger.info({ note: `leak attempt ${UPSTREAM_KEY}`, authorization: `Bearer ${CLIENT_KEY}` }, 'test line');
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    const all = logs.join('\n') + metrics;
    expect(logs.length).toBeGreaterThan(2);
    expect(all).not.toContain(UPSTREAM_KEY);
    expect(all).not.toContain(CLIENT_KEY);
    expect(all).not.toContain('SECRET');
  });

  it('answers 429 with Retry-After past the per-client rate limit, health exempt', async () => {
    // GIVEN a limit of 2 per minute
    const { p } = await start('', { RATE_LIMIT_PER_MINUTE: '2' });
    // WHEN three requests and a probe arrive
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await chat(p.origin));
    const live = await fetch(`${p.origin}/health/live`);
    // THEN the third is refused, the probe is not
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(statuses[2]!.headers.get('retry-after')).toBe('30');
    expect(((await statuses[2]!.json()) as { error: { code: string; type: string } }).error).toMatchObject({ code: 'rate_limit_exceeded', type: 'invalid_request_error' });
    expect(live.status).toBe(200);
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.rateLimitedTotal}{route="/v1/chat/completions"} 1`);
  });

  it('answers 413 to a declared body over MAX_BODY_BYTES without calling the engine', async () => {
    // GIVEN a 2 KiB body limit
    const { p } = await start('', { MAX_BODY_BYTES: '2048' });
    // WHEN a 4 KiB body is sent
    const res = await chat(p.origin, {}, { model: 'gpt-4.1', pad: 'x'.repeat(4096) });
    // THEN 413 request_too_large, with a request id, and nothing was proxied
    expect(res.status).toBe(413);
    expect(res.headers.get(HEADERS.requestId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    expect(p.running.usage.report().stats.total_requests).toBe(0);
    expect(mock.requests).toBe(0);
  });

  it('answers a fast 503 past max concurrent requests', async () => {
    // GIVEN one concurrent request allowed and a request holding it
    const { p } = await start('limits: {maxConcurrentRequests: 1}\ntimeouts: {requestSeconds: 30, deadlineSeconds: 60}\n');
    await holdOne(p.origin);
    // WHEN a second request arrives
    const second = await chat(p.origin);
    // THEN it gets 503 server_overloaded with Retry-After
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('server_overloaded');
    expect(mock.requests).toBe(1);
  });

  it('picks up a rotated client keys file on reload', async () => {
    // GIVEN keys from a mounted Secret file
    const dir = mkdtempSync(join(tmpdir(), 'client-keys-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const keysFile = join(dir, 'client-keys');
    writeFileSync(keysFile, 'old-client-key-1234\n');
    const { p } = await start(`auth: {clientKeysFile: ${JSON.stringify(keysFile)}}\n`);
    const reconfigure = vi.spyOn(p.engine, 'reconfigure');
    expect((await chat(p.origin, { authorization: 'Bearer old-client-key-1234' })).status).toBe(200);
    // WHEN only the keys file changes and the watcher checks
    writeFileSync(keysFile, 'new-client-key-5678\n');
    p.running.reloadConfig();
    // THEN the new key is accepted and the old one refused
    expect(reconfigure).toHaveBeenCalledTimes(1);
    expect((await chat(p.origin, { authorization: 'Bearer new-client-key-5678' })).status).toBe(200);
    expect((await chat(p.origin, { authorization: 'Bearer old-client-key-1234' })).status).toBe(401);
  });

  it('hot-reloads a valid config and refuses an invalid one, keeping the running config', async () => {
    // GIVEN a running proxy
    const { p, path } = await start();
    const reconfigure = vi.spyOn(p.engine, 'reconfigure');
    // WHEN the file changes to a valid config
    writeFileSync(path, `${base()}rateLimit: {requestsPerMinute: 7}\n`);
    p.running.reloadConfig();
    // THEN the engine is reconfigured and the config swapped
    expect(reconfigure).toHaveBeenCalledTimes(1);
    expect(p.engine.config.rateLimit.requestsPerMinute).toBe(7);
    expect(p.running.config().rateLimit.requestsPerMinute).toBe(7);
    // WHEN it changes to an invalid one
    writeFileSync(path, 'upstreams: [{name: primary, baseUrl: "nope"}]\n');
    p.running.reloadConfig();
    // THEN it is refused, counted, and the running config stays
    expect(reconfigure).toHaveBeenCalledTimes(1);
    expect(p.running.config().rateLimit.requestsPerMinute).toBe(7);
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.configReloadsTotal}{result="ok"} 1`);
    expect(metrics).toContain(`${METRICS.configReloadsTotal}{result="failed"} 1`);
  });

  it('tags every refusal with the proxy headers: upstream none, 0 attempts, measured overhead', async () => {
    // GIVEN a proxy with a client key, a rate limit of 3, a 2 KiB body limit and one concurrent request
    const { p } = await start('limits: {maxConcurrentRequests: 1}\ntimeouts: {requestSeconds: 30, deadlineSeconds: 60}\n', { PROXY_API_KEYS: CLIENT_KEY, RATE_LIMIT_PER_MINUTE: '3', MAX_BODY_BYTES: '2048' });
    const auth = { authorization: `Bearer ${CLIENT_KEY}` };
    // WHEN requests are refused for every reason the server has
    const unauthorized = await chat(p.origin);
    const notFound = await fetch(`${p.origin}/nope`, { headers: auth });
    const wrongMethod = await fetch(`${p.origin}/v1/chat/completions`, { headers: auth });
    const tooLarge = await chat(p.origin, auth, { model: 'gpt-4.1', pad: 'x'.repeat(4096) });
    await holdOne(p.origin, auth);
    const overloaded = await chat(p.origin, auth);
    release();
    const limited = await chat(p.origin, auth);
    // THEN each carries x-failover-upstream none, x-failover-attempts 0, an overhead and a request id
    const refusals = [[unauthorized, 401], [notFound, 404], [wrongMethod, 405], [tooLarge, 413], [overloaded, 503], [limited, 429]] as const;
    for (const [res, status] of refusals) {
      expect(res.status).toBe(status);
      expect(res.headers.get(HEADERS.upstream)).toBe('none');
      expect(res.headers.get(HEADERS.attempts)).toBe('0');
      expect(Number(res.headers.get(HEADERS.overheadMs))).toBeGreaterThanOrEqual(0);
      expect(res.headers.get(HEADERS.overheadMs)).toMatch(/^\d+\.\d$/);
      expect(res.headers.get(HEADERS.requestId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // AND the message is lower case, without a trailing period, and never shows a key
      const message = ((await res.json()) as { error: { message: string } }).error.message;
      expect(message).toMatch(/^[a-z/]/);
      expect(message).not.toMatch(/\.$/);
      expect(message).not.toContain(CLIENT_KEY);
    }
  });

  it('tags the server\'s own answers (health, status, usage) with the proxy headers', async () => {
    // GIVEN a proxy with a client key
    const { p } = await start('', { PROXY_API_KEYS: CLIENT_KEY });
    const auth = { authorization: `Bearer ${CLIENT_KEY}` };
    // WHEN every path the server answers itself is asked
    const answers = [
      await fetch(`${p.origin}${PATHS.healthLive}`),
      await fetch(`${p.origin}${PATHS.healthReady}`),
      await fetch(`${p.origin}${PATHS.healthUpstreams}`),
      await fetch(`${p.origin}${PATHS.status}`, { headers: auth }),
      await fetch(`${p.origin}${PATHS.usage}`, { headers: auth }),
    ];
    // THEN each is a 200 carrying upstream none, 0 attempts, a measured overhead and a request id
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.get(HEADERS.upstream)).toBe('none');
      expect(res.headers.get(HEADERS.attempts)).toBe('0');
      expect(res.headers.get(HEADERS.overheadMs)).toMatch(/^\d+\.\d$/);
      expect(res.headers.get(HEADERS.requestId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await res.arrayBuffer();
    }
  });

  it('shows the value received in 405 and 413 messages', async () => {
    // GIVEN an open proxy with a 2 KiB body limit
    const { p } = await start('', { MAX_BODY_BYTES: '2048' });
    // WHEN a wrong method and an oversized body arrive
    const wrong = await fetch(`${p.origin}/v1/embeddings`, { method: 'PUT', body: '{}' });
    const big = await chat(p.origin, {}, { model: 'gpt-4.1', pad: 'x'.repeat(4096) });
    // THEN the messages name what was received
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('/v1/embeddings accepts POST, received PUT');
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/^request body of \d+ bytes exceeds the limit of 2048 bytes$/);
  });

  it('answers HEAD on /v1/models with 405 itself (the engine proxies GET only), HEAD on health with 200', async () => {
    // GIVEN an open proxy
    const { p } = await start();
    // WHEN HEAD requests arrive
    const models = await fetch(`${p.origin}/v1/models`, { method: 'HEAD' });
    const live = await fetch(`${p.origin}/health/live`, { method: 'HEAD' });
    // THEN /v1/models refuses with Allow: GET; health answers; the upstream is never asked
    expect(models.status).toBe(405);
    expect(models.headers.get('allow')).toBe('GET');
    expect(live.status).toBe(200);
    expect(mock.requests).toBe(0);
  });

  it.each(['/constructor', '/__proto__', '/toString', '/hasOwnProperty'])('answers 404 for the path %s (no Object.prototype lookup)', async (path) => {
    // GIVEN an open proxy
    const { p } = await start();
    // WHEN a path named like an Object.prototype property is requested
    const res = await fetch(`${p.origin}${path}`);
    // THEN it is an unknown path
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'not_found', message: `unknown path "${path}"` });
  });
});
