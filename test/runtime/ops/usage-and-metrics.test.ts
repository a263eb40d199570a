import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { priceUsage } from '../../../runtime/core/pricing';
import type { RequestFinishedEvent } from '../../../runtime/events';
import { ProxyMetrics } from '../../../runtime/ops/metrics';
import { round, UsageTracker } from '../../../runtime/ops/usage-report';
import { configSchema, METRICS } from '../../../src/contract';
import { PrometheusAdapterRule } from '../../../src/observability/prometheus-adapter-rule';

const config = configSchema.parse({ upstreams: [{ name: 'primary', baseUrl: 'http://127.0.0.1:1/v1', models: ['local-model'] }] });

const finished = (over: Partial<RequestFinishedEvent>): RequestFinishedEvent => ({
  requestId: 'r',
  route: '/v1/chat/completions',
  model: 'gpt-4.1',
  status: 200,
  stream: false,
  upstream: 'primary',
  attempts: 1,
  failovers: 0,
  failedAttempts: 0,
  retries: 0,
  durationMs: 100,
  overheadMs: 2,
  ...over,
});

describe('UsageTracker', () => {
  it('rounds like Python round(): half to even on the exact binary value', () => {
    // GIVEN the playbook's rounding cases
    // WHEN rounded / THEN exact ties go to even, near-ties follow the binary value
    expect(round(0.125, 2)).toBe(0.12);
    expect(round(0.375, 2)).toBe(0.38);
    expect(round(2.5, 0)).toBe(2);
    expect(round(3.5, 0)).toBe(4);
    expect(round(-2.5, 0)).toBe(-2);
    expect(round(2.675, 2)).toBe(2.67);
    expect(round(1.005, 2)).toBe(1);
    expect(round(0.0006, 4)).toBe(0.0006);
    expect(round(20.00004999, 4)).toBe(20);
    expect(round(1234.5678, 2)).toBe(1234.57);
  });

  it('counts failover_count per failed retryable attempt, as the playbook does, not per upstream switch', () => {
    // GIVEN a request that failed twice on the primary (retried there) before the backup served it
    const usage = new UsageTracker(config);
    usage.requestFinished(finished({ upstream: 'backup_1', attempts: 3, failovers: 1, failedAttempts: 2, retries: 2 }));
    // WHEN the report is read / THEN both failed attempts count
    expect(usage.report().stats.failover_count).toBe(2);
  });

  it('keeps a model named __proto__ as its own by_model entry', () => {
    // GIVEN an upstream that lists a model named like Object.prototype's accessor
    const odd = configSchema.parse({ upstreams: [{ name: 'primary', baseUrl: 'http://127.0.0.1:1/v1', models: ['__proto__'] }] });
    const usage = new UsageTracker(odd);
    // WHEN a request for it finishes
    usage.requestFinished(finished({ model: '__proto__', usage: { promptTokens: 1, completionTokens: 2 } }));
    // THEN the report has it as an own entry, also in JSON
    const report = usage.report();
    expect(Object.hasOwn(report.by_model, '__proto__')).toBe(true);
    expect(JSON.stringify(report.by_model)).toContain('"__proto__":{"requests":1,');
  });

  it('leaves out a 413 refused before any attempt, as the server does for a declared size', () => {
    // GIVEN a chunked body refused by the engine (413, no attempt) and an upstream's own 413
    const usage = new UsageTracker(config);
    usage.requestFinished(finished({ status: 413, attempts: 0, upstream: undefined, errorCode: 'request_too_large' }));
    usage.requestFinished(finished({ status: 413, attempts: 1 }));
    // WHEN the report is read / THEN only the upstream's answer is counted
    expect(usage.report().stats).toMatchObject({ total_requests: 1, failed_requests: 1 });
  });

  it('counts completions, chat completions and embeddings, not GET /v1/models', () => {
    // GIVEN one request on each proxied route
    const usage = new UsageTracker(config);
    for (const route of ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models']) {
      usage.requestFinished(finished({ route }));
    }
    // WHEN the report is read / THEN the models listing is left out
    expect(usage.report().stats.total_requests).toBe(3);
  });

  it('reports the playbook\'s usage fields with its formulas and rounding, streamed and not', () => {
    // GIVEN three requests: a plain one, a streamed one after a failover, and a failure
    const usage = new UsageTracker(config);
    const a = priceUsage(config.pricing, 'gpt-4.1', 1_000_000, 500_000); // 8 + 12 = 20
    const b = priceUsage(config.pricing, 'deepseek-v3.2', 123_456, 7_890);
    usage.requestFinished(finished({ usage: { promptTokens: 1_000_000, completionTokens: 500_000 }, costUsd: a }));
    usage.requestFinished(finished({
      model: 'deepseek-v3.2',
      stream: true,
      upstream: 'backup_1',
      attempts: 2,
      failovers: 1,
      failedAttempts: 1,
      retries: 1,
      usage: { promptTokens: 123_456, completionTokens: 7_890 },
      costUsd: b,
    }));
    usage.requestFinished(finished({ model: 'secret prompt-ish model', status: 502, upstream: undefined, attempts: 4, failovers: 2, failedAttempts: 4, errorCode: 'all_upstreams_failed' }));
    // WHEN the report is read
    const report = usage.report();
    // THEN totals, rounding and breakdowns follow the pricing table
    const total = a + b;
    expect(a).toBe(20);
    expect(report.total_input_tokens).toBe(1_123_456);
    expect(report.total_output_tokens).toBe(507_890);
    expect(report.total_cost_usd).toBe(Math.round(total * 1e4) / 1e4);
    expect(report.total_cost_cny).toBe(Math.round(total * 100) / 100);
    expect(report.avg_cost_per_1m_input).toBe(Math.round((total / 1_123_456) * 1e6 * 100) / 100);
    expect(report.stats).toEqual({ total_requests: 3, successful_requests: 2, failed_requests: 1, failover_count: 5 });
    expect(report.failover_cost_usd).toBe(Math.round(b * 1e4) / 1e4);
    expect(Object.keys(report.by_model).sort()).toEqual(['deepseek-v3.2', 'gpt-4.1', 'other']);
    expect(report.by_upstream.backup_1).toMatchObject({ requests: 1, input_tokens: 123_456, output_tokens: 7_890 });
  });

  it('names the display cost after the currency code', () => {
    const usd = new UsageTracker(configSchema.parse({ currency: { code: 'EUR', perUsd: 0.5 } }));
    usd.requestFinished(finished({ usage: { promptTokens: 1_000_000, completionTokens: 0 }, costUsd: 8 }));
    expect(usd.report()).toMatchObject({ total_cost_usd: 8, total_cost_eur: 4, avg_cost_per_1m_input: 8 });
  });
});

describe('ProxyMetrics', () => {
  it('exposes the contract names with values after scripted traffic', async () => {
    // GIVEN metrics attached to an engine with one open breaker
    const metrics = new ProxyMetrics(config);
    metrics.attach({ upstreamStatus: () => [{ name: 'primary', state: 'open' }, { name: 'backup_1', state: 'half_open' }] });
    // WHEN a failed-over request, an unknown-model request and a rate-limited one are recorded
    metrics.requestStarted({ requestId: 'r1', route: '/v1/chat/completions', stream: false });
    metrics.attemptFinished({ requestId: 'r1', route: '/v1/chat/completions', upstream: 'primary', attempt: 1, outcome: 'server_error', status: 503, latencyMs: 20 });
    metrics.failover({ requestId: 'r1', route: '/v1/chat/completions', from: 'primary', to: 'backup_1', reason: 'server_error' });
    metrics.attemptFinished({ requestId: 'r1', route: '/v1/chat/completions', upstream: 'backup_1', attempt: 2, outcome: 'success', status: 200, latencyMs: 30 });
    metrics.requestFinished(finished({ requestId: 'r1', upstream: 'backup_1', attempts: 2, failovers: 1, retries: 1, usage: { promptTokens: 100, completionTokens: 50 }, costUsd: 0.002 }));
    metrics.requestStarted({ requestId: 'r2', route: '/v1/chat/completions', stream: false });
    metrics.requestFinished(finished({ requestId: 'r2', model: 'sk-live-should-not-be-a-label' }));
    metrics.rateLimitedRequest('/v1/chat/completions');
    metrics.configReload('failed');
    metrics.breakerTransition({ upstream: 'primary', from: 'closed', to: 'open' });
    const text = (await metrics.render()).body;
    // THEN
    expect(text).toContain(`${METRICS.httpRequestsTotal}{route="/v1/chat/completions",model="gpt-4.1",status="200"} 1`);
    expect(text).toContain(`${METRICS.httpRequestsTotal}{route="/v1/chat/completions",model="other",status="200"} 1`);
    expect(text).not.toContain('sk-live');
    expect(text).toContain(`${METRICS.circuitBreakerState}{upstream="primary"} 2`);
    expect(text).toContain(`${METRICS.circuitBreakerState}{upstream="backup_1"} 1`);
    expect(text).toContain(`${METRICS.upstreamAttemptsTotal}{upstream="primary",outcome="server_error"} 1`);
    expect(text).toContain(`${METRICS.failoversTotal}{from="primary",to="backup_1",reason="server_error"} 1`);
    expect(text).toContain(`${METRICS.retriesTotal}{route="/v1/chat/completions"} 1`);
    expect(text).toContain(`${METRICS.tokensTotal}{model="gpt-4.1",upstream="backup_1",direction="input"} 100`);
    expect(text).toContain(`${METRICS.costUsdTotal}{model="gpt-4.1"} 0.002`);
    expect(text).toContain(`${METRICS.failoverCostUsdTotal}{model="gpt-4.1"} 0.002`);
    expect(text).toContain(`${METRICS.rateLimitedTotal}{route="/v1/chat/completions"} 1`);
    expect(text).toContain(`${METRICS.configReloadsTotal}{result="failed"} 1`);
    expect(text).toContain(`${METRICS.configReloadsTotal}{result="ok"} 0`);
    expect(text).toContain(`${METRICS.inFlightRequests} 0`);
    expect(text).toContain(`${METRICS.circuitBreakerTransitionsTotal}{upstream="primary",from="closed",to="open"} 1`);
    // AND every metric but http_requests_total carries the ai_failover_ prefix
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    expect(names.filter((n) => n !== METRICS.httpRequestsTotal && !n!.startsWith('ai_failover_'))).toEqual([]);
  });

  it('is exposed to the HPA as http_requests_per_second through the construct\'s prometheus-adapter rule', async () => {
    // GIVEN the counters the runtime really exposes after a request, and the adapter rule the construct synthesizes
    const metrics = new ProxyMetrics(config);
    metrics.requestFinished(finished({}));
    const counters = [...(await metrics.render()).body.matchAll(/^# TYPE (\S+) counter$/gm)].map((m) => m[1]!);
    const chart = Testing.chart();
    new PrometheusAdapterRule(chart, 'Rule');
    const configMap = Testing.synth(chart).find((m) => m.kind === 'ConfigMap') as { data: Record<string, string> };
    type AdapterConfig = { rules: Array<{ seriesQuery: string; name: { matches: string; as: string } }> };
    const rule = (parseYaml(configMap.data[PrometheusAdapterRule.CONFIG_KEY]!) as AdapterConfig).rules[0]!;
    // WHEN the rule's series query and rename are applied (Go's ${1} is JS's $1)
    const queried = rule.seriesQuery.slice(0, rule.seriesQuery.indexOf('{'));
    const renamed = queried.replace(new RegExp(rule.name.matches), rule.name.as.replace('${1}', '$1'));
    // THEN the query selects a counter the runtime exposes, and the HPA sees it as the metric its spec names
    expect(counters).toContain(queried);
    expect(renamed).toBe('http_requests_per_second');
  });
});

describe('ProxyMetrics gauges', () => {
  it('never goes negative when a request finishes without having started (a 413)', async () => {
    // GIVEN one started request and one refused before it started
    const metrics = new ProxyMetrics(config);
    metrics.requestStarted({ requestId: 'a', route: '/v1/chat/completions', stream: false });
    metrics.requestFinished(finished({ requestId: 'b', status: 413, attempts: 0 }));
    // THEN one request is in flight
    expect((await metrics.render()).body).toContain(`${METRICS.inFlightRequests} 1`);
    // WHEN the started one finishes THEN none is
    metrics.requestFinished(finished({ requestId: 'a' }));
    expect((await metrics.render()).body).toContain(`${METRICS.inFlightRequests} 0`);
  });

  it('reads open streams from the engine at scrape time', async () => {
    const metrics = new ProxyMetrics(config);
    metrics.attach({ upstreamStatus: () => [], openStreams: () => 3 });
    expect((await metrics.render()).body).toContain(`${METRICS.openStreams} 3`);
  });
});
