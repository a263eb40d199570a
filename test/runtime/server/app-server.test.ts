import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeEngineFactory } from './fake-engine';
import { startProxy, type RunningProxy } from '../../../runtime/server/start-proxy';
import { HEADERS, METRICS, PATHS } from '../../../src/contract';

const UPSTREAM_KEY = 'sk-upstream-SECRET-0123456789';
const CLIENT_KEY = 'client-key-SECRET-abcdef';

/** Collects JSON log lines. */
function logSink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe('app server (in-process, fake engine)', () => {
  let dir: string;
  let proxy: RunningProxy | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'srv-'));
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (yaml: string, env: Record<string, string> = {}) => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, yaml);
    const logs = logSink();
    const factory = fakeEngineFactory();
    proxy = await startProxy({
      env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY, ...env },
      configPath: path,
      host: '127.0.0.1',
      port: 0,
      metricsPort: 0,
      createEngine: factory.create,
      logDestination: logs.stream,
      configPollMs: 60_000,
    });
    return { proxy, logs, engine: factory.engine(), path };
  };
  const base = 'upstreams: [{name: primary, baseUrl: "http://127.0.0.1:9/v1"}]\n';
  const chat = (url: string, headers: Record<string, string> = {}, body: object = { model: 'gpt-4.1', messages: [] }) =>
    fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('serves health, proxies, counts usage and metrics, and tags every response with a request id', async () => {
    // GIVEN an open proxy
    const { proxy: p, logs } = await start(base);
    // WHEN a chat completion is sent with a client request id
    const ok = await chat(p.url, { [HEADERS.requestId]: 'abc-123' });
    // THEN it is proxied and the id is echoed
    expect(ok.status).toBe(200);
    expect(ok.headers.get(HEADERS.requestId)).toBe('abc-123');
    // AND an unsafe id is replaced by a UUID, also on 404s
    const notFound = await fetch(`${p.url}/nope`, { headers: { [HEADERS.requestId]: 'bad id<script>' } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get(HEADERS.requestId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await notFound.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // AND wrong methods get 405 with Allow
    const wrong = await fetch(`${p.url}/v1/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    // AND /v1/usage has the request priced (10 in, 20 out on gpt-4.1)
    const usage = (await (await fetch(`${p.url}/v1/usage`)).json()) as Record<string, unknown>;
    expect(usage).toMatchObject({
      total_input_tokens: 10,
      total_output_tokens: 20,
      total_cost_usd: 0.0006,
      stats: { total_requests: 1, successful_requests: 1 },
    });
    // AND /metrics on the metrics port counts it
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.httpRequestsTotal}{route="/v1/chat/completions",model="gpt-4.1",status="200"} 1`);
    expect(metrics).toContain(`${METRICS.httpRequestsTotal}{route="other",model="other",status="404"} 1`);
    // AND the open proxy warned, and logged one line for the request
    expect(logs.lines.some((l) => l.includes('"event":"auth_open"'))).toBe(true);
    const requestLine = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'request' && l.requestId === 'abc-123');
    expect(requestLine).toMatchObject({ status: 200, upstream: 'primary', attempts: 1, promptTokens: 10, completionTokens: 20 });
  });

  it('stays ready while every upstream is down and shows the breakers', async () => {
    // GIVEN a proxy whose upstreams are all open
    const { proxy: p, engine } = await start(base);
    engine.upstreamsDown = true;
    // WHEN probes run
    const ready = await fetch(`${p.url}/health/ready`);
    const live = await fetch(`${p.url}/health/live`);
    const upstreams = (await (await fetch(`${p.url}/health/upstreams`)).json()) as { upstreams: Array<{ name: string; state: string }> };
    // THEN readiness and liveness are 200; the upstream view shows the outage
    expect(ready.status).toBe(200);
    expect(live.status).toBe(200);
    expect(upstreams.upstreams).toEqual([expect.objectContaining({ name: 'primary', state: 'open', recentErrorRate: 1 })]);
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.circuitBreakerState}{upstream="primary"} 2`);
  });

  it('refuses a missing or wrong client key with 401 and never logs a key', async () => {
    // GIVEN client keys
    const { proxy: p, logs } = await start(base, { PROXY_API_KEYS: CLIENT_KEY });
    // WHEN requests come with no key, a wrong key, the right key and the api-key header
    const missing = await chat(p.url);
    const wrong = await chat(p.url, { authorization: `Bearer ${CLIENT_KEY}x` });
    const right = await chat(p.url, { authorization: `Bearer ${CLIENT_KEY}` });
    const apiKey = await fetch(`${p.url}/v1/usage`, { headers: { 'api-key': CLIENT_KEY } });
    const status = await fetch(`${p.url}/v1/status`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    // THEN
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(apiKey.status).toBe(200);
    const statusText = await status.text();
    expect(statusText).not.toContain(UPSTREAM_KEY);
    // AND neither key appears in logs or metrics
    p.logger.info({ note: `leak attempt ${UPSTREAM_KEY}`, authorization: `Bearer ${CLIENT_KEY}` }, 'test line');
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    const all = logs.lines.join('\n') + metrics;
    expect(logs.lines.length).toBeGreaterThan(2);
    expect(all).not.toContain(UPSTREAM_KEY);
    expect(all).not.toContain(CLIENT_KEY);
    expect(all).not.toContain('SECRET');
  });

  it('answers 429 with Retry-After past the per-client rate limit, health exempt', async () => {
    // GIVEN a limit of 2 per minute
    const { proxy: p } = await start(base, { RATE_LIMIT_PER_MINUTE: '2' });
    // WHEN three requests and a probe arrive
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await chat(p.url));
    const live = await fetch(`${p.url}/health/live`);
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
    const { proxy: p } = await start(base, { MAX_BODY_BYTES: '2048' });
    // WHEN a 4 KiB body is sent
    const res = await chat(p.url, {}, { model: 'gpt-4.1', pad: 'x'.repeat(4096) });
    // THEN 413 request_too_large, with a request id, and nothing was proxied
    expect(res.status).toBe(413);
    expect(res.headers.get(HEADERS.requestId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    expect(p.usage.report().stats.total_requests).toBe(0);
  });

  it('answers a fast 503 past max concurrent requests', async () => {
    // GIVEN one concurrent request allowed and a stream holding it
    const { proxy: p, engine } = await start(`${base}limits: {maxConcurrentRequests: 1}\n`);
    const stream = await chat(p.url, {}, { model: 'gpt-4.1', stream: true });
    expect(stream.status).toBe(200);
    // WHEN a second request arrives
    const second = await chat(p.url);
    // THEN it gets 503 server_overloaded with Retry-After
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('server_overloaded');
    engine.endStreams();
    await stream.text();
  });

  it('picks up a rotated client keys file on reload', async () => {
    // GIVEN keys from a mounted Secret file
    const keysFile = join(dir, 'client-keys');
    writeFileSync(keysFile, 'old-client-key-1234\n');
    const { proxy: p, engine } = await start(`${base}auth: {clientKeysFile: ${JSON.stringify(keysFile)}}\n`);
    expect((await chat(p.url, { authorization: 'Bearer old-client-key-1234' })).status).toBe(200);
    // WHEN only the keys file changes and the watcher checks
    writeFileSync(keysFile, 'new-client-key-5678\n');
    p.reloadConfig();
    // THEN the new key is accepted and the old one refused
    expect(engine.reconfigured).toHaveLength(1);
    expect((await chat(p.url, { authorization: 'Bearer new-client-key-5678' })).status).toBe(200);
    expect((await chat(p.url, { authorization: 'Bearer old-client-key-1234' })).status).toBe(401);
  });

  it('hot-reloads a valid config and refuses an invalid one, keeping the running config', async () => {
    // GIVEN a running proxy
    const { proxy: p, engine, path } = await start(base);
    // WHEN the file changes to a valid config
    writeFileSync(path, `${base}rateLimit: {requestsPerMinute: 7}\n`);
    p.reloadConfig();
    // THEN the engine is reconfigured and the config swapped
    expect(engine.reconfigured).toHaveLength(1);
    expect(p.config().rateLimit.requestsPerMinute).toBe(7);
    // WHEN it changes to an invalid one
    writeFileSync(path, 'upstreams: [{name: primary, baseUrl: "nope"}]\n');
    p.reloadConfig();
    // THEN it is refused, counted, and the running config stays
    expect(engine.reconfigured).toHaveLength(1);
    expect(p.config().rateLimit.requestsPerMinute).toBe(7);
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.configReloadsTotal}{result="ok"} 1`);
    expect(metrics).toContain(`${METRICS.configReloadsTotal}{result="failed"} 1`);
  });

  it('tags every refusal with the proxy headers: upstream none, 0 attempts, measured overhead', async () => {
    // GIVEN a proxy with a client key, a rate limit of 3, a 2 KiB body limit and one concurrent request
    const { proxy: p, engine } = await start(`${base}limits: {maxConcurrentRequests: 1}\n`, { PROXY_API_KEYS: CLIENT_KEY, RATE_LIMIT_PER_MINUTE: '3', MAX_BODY_BYTES: '2048' });
    const auth = { authorization: `Bearer ${CLIENT_KEY}` };
    // WHEN requests are refused for every reason the server has
    const unauthorized = await chat(p.url);
    const notFound = await fetch(`${p.url}/nope`, { headers: auth });
    const wrongMethod = await fetch(`${p.url}/v1/chat/completions`, { headers: auth });
    const tooLarge = await chat(p.url, auth, { model: 'gpt-4.1', pad: 'x'.repeat(4096) });
    const stream = await chat(p.url, auth, { model: 'gpt-4.1', stream: true });
    const overloaded = await chat(p.url, auth);
    engine.endStreams();
    await stream.text();
    const limited = await chat(p.url, auth);
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
    const { proxy: p } = await start(base, { PROXY_API_KEYS: CLIENT_KEY });
    const auth = { authorization: `Bearer ${CLIENT_KEY}` };
    // WHEN every path the server answers itself is asked
    const answers = [
      await fetch(`${p.url}${PATHS.healthLive}`),
      await fetch(`${p.url}${PATHS.healthReady}`),
      await fetch(`${p.url}${PATHS.healthUpstreams}`),
      await fetch(`${p.url}${PATHS.status}`, { headers: auth }),
      await fetch(`${p.url}${PATHS.usage}`, { headers: auth }),
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
    const { proxy: p } = await start(base, { MAX_BODY_BYTES: '2048' });
    // WHEN a wrong method and an oversized body arrive
    const wrong = await fetch(`${p.url}/v1/embeddings`, { method: 'PUT', body: '{}' });
    const big = await chat(p.url, {}, { model: 'gpt-4.1', pad: 'x'.repeat(4096) });
    // THEN the messages name what was received
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('/v1/embeddings accepts POST, received PUT');
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/^request body of \d+ bytes exceeds the limit of 2048 bytes$/);
  });

  it('answers HEAD on /v1/models with 405 itself (the engine proxies GET only), HEAD on health with 200', async () => {
    // GIVEN an open proxy
    const { proxy: p } = await start(base);
    // WHEN HEAD requests arrive
    const models = await fetch(`${p.url}/v1/models`, { method: 'HEAD' });
    const live = await fetch(`${p.url}/health/live`, { method: 'HEAD' });
    // THEN /v1/models refuses with Allow: GET; health answers
    expect(models.status).toBe(405);
    expect(models.headers.get('allow')).toBe('GET');
    expect(live.status).toBe(200);
  });

  it.each(['/constructor', '/__proto__', '/toString', '/hasOwnProperty'])('answers 404 for the path %s (no Object.prototype lookup)', async (path) => {
    // GIVEN an open proxy
    const { proxy: p } = await start(base);
    // WHEN a path named like an Object.prototype property is requested
    const res = await fetch(`${p.url}${path}`);
    // THEN it is an unknown path
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'not_found', message: `unknown path "${path}"` });
  });
});
