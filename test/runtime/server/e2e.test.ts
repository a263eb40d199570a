import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { priceUsage } from '../../../runtime/core/pricing';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import type { UsageReport } from '../../../runtime/ops/usage-report';
import { startProxy, type RunningProxy } from '../../../runtime/start-proxy';
import { HEADERS, METRICS } from '../../../src/contract';

const UPSTREAM_KEY = 'sk-e2e-upstream-SECRET-42';

describe('proxy end to end (real engine, mock upstreams)', () => {
  let dir: string;
  let mocks: MockUpstream[] = [];
  let proxy: RunningProxy | undefined;
  let logs: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'e2e-'));
    mocks = [await startMockUpstream({ name: 'one' }), await startMockUpstream({ name: 'two' })];
    logs = [];
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await Promise.all(mocks.map((m) => m.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const yaml = (extra = ''): string => [
    'upstreams:',
    `  - {name: one, baseUrl: "${mocks[0]!.url}", priority: 1}`,
    `  - {name: two, baseUrl: "${mocks[1]!.url}", priority: 2}`,
    'circuitBreaker: {failureThreshold: 1, recoveryTimeoutSeconds: 60}',
    'retries: {maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0}',
    'timeouts: {requestSeconds: 2, deadlineSeconds: 5}',
    extra,
  ].join('\n');
  const start = async (extraYaml = '', env: Record<string, string> = {}): Promise<{ p: RunningProxy; path: string }> => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, yaml(extraYaml));
    proxy = await startProxy({
      env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY, ...env },
      configPath: path,
      host: '127.0.0.1',
      port: 0,
      metricsPort: 0,
      configPollMs: 60_000,
      logDestination: new Writable({ write: (c: Buffer, _e, done) => { logs.push(c.toString('utf8')); done(); } }),
    });
    return { p: proxy, path };
  };
  const chat = (url: string, body: object) => fetch(`${url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hello there, proxy' }], ...body }),
  });

  it('prices plain and streamed responses, counts the failover, and the usage report adds up', async () => {
    // GIVEN a proxy over two healthy mocks
    const { p } = await start();
    // WHEN a plain request goes through
    const plain = await chat(p.url, { model: 'gpt-4.1' });
    expect(plain.status).toBe(200);
    const plainCost = Number(plain.headers.get(HEADERS.costUsd));
    const plainBody = (await plain.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(plainCost).toBeCloseTo(priceUsage(p.config().pricing, 'gpt-4.1', plainBody.usage.prompt_tokens, plainBody.usage.completion_tokens), 12);
    // AND the primary fails, so a streamed request fails over to the backup
    mocks[0]!.setMode({ kind: 'status', status: 503 });
    const streamed = await chat(p.url, { model: 'deepseek-v3.2', stream: true });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('[DONE]');
    // THEN /v1/usage adds both with the seed's formulas
    const report = (await (await fetch(`${p.url}/v1/usage`)).json()) as UsageReport;
    expect(report.stats).toMatchObject({ total_requests: 2, successful_requests: 2, failed_requests: 0 });
    expect(report.stats.failover_count).toBeGreaterThanOrEqual(1);
    const deepseek = report.by_model['deepseek-v3.2']!;
    expect(deepseek.input_tokens).toBeGreaterThan(0);
    const streamCost = priceUsage(p.config().pricing, 'deepseek-v3.2', deepseek.input_tokens, deepseek.output_tokens);
    expect(report.total_cost_usd).toBe(Math.round((plainCost + streamCost) * 1e4) / 1e4);
    expect(report.total_cost_cny).toBe(Math.round((plainCost + streamCost) * 100) / 100);
    expect(report.failover_cost_usd).toBe(Math.round(streamCost * 1e4) / 1e4);
    expect(report.by_upstream.two?.requests).toBe(1);
    // AND the metrics tell the same story
    const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.httpRequestsTotal}{route="/v1/chat/completions",model="deepseek-v3.2",status="200"} 1`);
    expect(metrics).toMatch(new RegExp(`${METRICS.failoversTotal}\\{from="one",to="two",reason="server_error"\\} 1`));
    expect(metrics).toContain(`${METRICS.circuitBreakerState}{upstream="one"} 2`);
    expect(metrics).toContain(`${METRICS.openStreams} 0`);
    // AND no key reached logs, metrics or status
    const status = await (await fetch(`${p.url}/v1/status`)).text();
    expect(logs.join('') + metrics + status).not.toContain(UPSTREAM_KEY);
  });

  it('stays ready in a full outage and keeps breaker state across a hot reload', async () => {
    // GIVEN both upstreams failing until their breakers open
    const { p, path } = await start();
    mocks.forEach((m) => m.setMode({ kind: 'status', status: 500 }));
    const failed = await chat(p.url, { model: 'gpt-4.1' });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(p.engine.upstreamStatus().map((u) => u.state)).toEqual(['open', 'open']);
    // WHEN probes run
    // THEN readiness stays 200
    expect((await fetch(`${p.url}/health/ready`)).status).toBe(200);
    // WHEN the config changes without touching the upstreams
    writeFileSync(path, yaml('rateLimit: {requestsPerMinute: 500}'));
    p.reloadConfig();
    // THEN the new config runs and the breakers are still open
    expect(p.config().rateLimit.requestsPerMinute).toBe(500);
    expect(p.engine.upstreamStatus().map((u) => u.state)).toEqual(['open', 'open']);
  });

  it('ends a stream still open at the drain timeout with an SSE error', async () => {
    // GIVEN a slow stream in flight
    const { p } = await start('lifecycle: {shutdownDelaySeconds: 0, drainTimeoutSeconds: 0.3}');
    mocks[0]!.setMode({ kind: 'slow-stream', chunkDelayMs: 400 });
    const stream = await chat(p.url, { model: 'gpt-4.1', stream: true });
    expect(stream.status).toBe(200);
    // WHEN the proxy drains
    const result = await p.drain();
    // THEN the stream was aborted with an error event
    expect(result.abortedStreams).toBe(1);
    expect(await stream.text()).toMatch(/data: \{"error":\{/);
  });
});

describe('proxy end to end: limits', () => {
  let dir: string;
  let mock: MockUpstream;
  let proxy: RunningProxy | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'e2e-limits-'));
    mock = await startMockUpstream({ name: 'one' });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 413 to a chunked body over the limit (no content-length) through the engine', async () => {
    // GIVEN a 2 KiB body limit
    const path = join(dir, 'config.yaml');
    writeFileSync(path, `upstreams: [{name: one, baseUrl: "${mock.url}"}]\n`);
    proxy = await startProxy({ env: { MAX_BODY_BYTES: '2048' }, configPath: path, host: '127.0.0.1', port: 0, metricsPort: 0, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
    // WHEN a 8 KiB body is streamed without a length
    const { request } = await import('node:http');
    const status = await new Promise<{ status: number; id: string | undefined; body: string }>((resolve, reject) => {
      const req = request(`${proxy!.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, id: res.headers[HEADERS.requestId] as string | undefined, body }));
      });
      req.on('error', reject);
      req.write(`{"model":"gpt-4.1","pad":"${'x'.repeat(4096)}`);
      req.end(`${'y'.repeat(4096)}"}`);
    });
    // THEN 413 with a request id, and the upstream never saw it
    expect(status.status).toBe(413);
    expect(status.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(JSON.parse(status.body)).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(mock.requests).toBe(0);
  });
});
