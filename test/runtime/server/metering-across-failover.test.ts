import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../../runtime/core/pricing';
import type { UsageReport } from '../../../runtime/ops/usage-report';
import { HEADERS, METRICS } from '../../../src/contract';
import { postChat, TWO_MOCK_UPSTREAM_KEY, useTwoMockProxy } from '../../support/two-mock-proxy';

describe('metering across a failover (server, real engine, two mocks)', () => {
  const { fx, start } = useTwoMockProxy();

  it('prices plain and streamed responses, counts the failover, and the usage report adds up', async () => {
    // GIVEN a proxy over two healthy mocks
    const { p, logs } = await start();
    // WHEN a plain request goes through
    const plain = await postChat(p.origin, { model: 'gpt-4.1' });
    expect(plain.status).toBe(200);
    const plainCost = Number(plain.headers.get(HEADERS.costUsd));
    const plainBody = (await plain.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(plainCost).toBeCloseTo(priceUsage(p.running.config().pricing, 'gpt-4.1', plainBody.usage.prompt_tokens, plainBody.usage.completion_tokens), 12);
    // AND the primary fails, so a streamed request fails over to the backup
    fx.mocks[0]!.setMode({ kind: 'status', status: 503 });
    const streamed = await postChat(p.origin, { model: 'deepseek-v3.2', stream: true });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('[DONE]');
    // THEN /v1/usage adds both with the playbook's formulas
    const report = (await (await fetch(`${p.origin}/v1/usage`)).json()) as UsageReport;
    expect(report.stats).toMatchObject({ total_requests: 2, successful_requests: 2, failed_requests: 0 });
    expect(report.stats.failover_count).toBeGreaterThanOrEqual(1);
    const deepseek = report.by_model['deepseek-v3.2']!;
    expect(deepseek.input_tokens).toBeGreaterThan(0);
    const streamCost = priceUsage(p.running.config().pricing, 'deepseek-v3.2', deepseek.input_tokens, deepseek.output_tokens);
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
    const status = await (await fetch(`${p.origin}/v1/status`)).text();
    expect(logs.join('') + metrics + status).not.toContain(TWO_MOCK_UPSTREAM_KEY);
  });
});
