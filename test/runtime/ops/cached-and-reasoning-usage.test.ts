import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startMockUpstream } from '../../../runtime/mock/mock-upstream';
import type { UsageReport } from '../../../runtime/ops/usage-report';
import { HEADERS, METRICS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { CLIENT_KEY, mockUpstreamsConfig, startRunningProxy, type StartedProxy } from '../../support/running-proxy';

const PRICES = { 'claude-sonnet-4-5': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, cacheWritePerMillion: 3.75 }, 'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10 } };

describe('cached, cache-write and reasoning tokens in /v1/usage and the token metrics', () => {
  const fx = useProxyFixture<StartedProxy>();

  it('prices Anthropic cache writes and reads at their own prices and reports them with Responses reasoning tokens', async () => {
    // GIVEN an anthropic upstream and an openai upstream, with cache prices for the Claude model
    fx.mocks = [await startMockUpstream({ name: 'claude' }), await startMockUpstream({ name: 'openai' })];
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks, {
      upstreamFields: [{ format: 'anthropic', models: ['claude-sonnet-4-5'] }, { models: ['gpt-5'] }],
      pricing: PRICES,
    }));
    const anthropic = new Anthropic({ apiKey: CLIENT_KEY, baseURL: fx.proxy.url, maxRetries: 0 });
    const messages = [
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'context '.repeat(800), cache_control: { type: 'ephemeral' as const } }] },
      { role: 'assistant' as const, content: 'ok' },
      { role: 'user' as const, content: 'question' },
    ];
    // WHEN the same cached prompt is sent twice, and a reasoning response is created
    const first = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages }).withResponse();
    const second = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages }).withResponse();
    await new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${fx.proxy.url}/v1`, maxRetries: 0 }).responses.create({ model: 'gpt-5', input: 'think', reasoning: { effort: 'low' } });
    // THEN each answer's cost uses the cache prices (input_tokens excludes cache reads and writes)
    const u1 = first.data.usage;
    const u2 = second.data.usage;
    const cost = (u: typeof u1): number =>
      (u.input_tokens * 3 + (u.cache_read_input_tokens ?? 0) * 0.3 + (u.cache_creation_input_tokens ?? 0) * 3.75 + u.output_tokens * 15) / 1e6;
    expect(Number(first.response.headers.get(HEADERS.costUsd))).toBeCloseTo(cost(u1), 9);
    expect(Number(second.response.headers.get(HEADERS.costUsd))).toBeCloseTo(cost(u2), 9);
    // AND /v1/usage reports the cached and reasoning parts, per model and per upstream
    const report = (await (await fetch(`${fx.proxy.url}/v1/usage`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } })).json()) as UsageReport;
    expect(report.total_cached_input_tokens).toBe(u2.cache_read_input_tokens);
    expect(report.total_cache_write_tokens).toBe(u1.cache_creation_input_tokens);
    expect(report.total_reasoning_tokens).toBeGreaterThan(0);
    expect(report.by_model['claude-sonnet-4-5']).toMatchObject({ requests: 2, cached_input_tokens: u2.cache_read_input_tokens, cache_write_tokens: u1.cache_creation_input_tokens });
    expect(report.by_upstream.openai.reasoning_tokens).toBe(report.total_reasoning_tokens);
    expect(report.total_input_tokens).toBe(u1.input_tokens + u1.cache_creation_input_tokens! + u2.input_tokens + u2.cache_read_input_tokens! + report.by_model['gpt-5'].input_tokens);
    // AND the token metric has the cached_input, cache_write and reasoning directions
    const metrics = await (await fetch(`${fx.proxy.proxy.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(`${METRICS.tokensTotal}{model="claude-sonnet-4-5",upstream="claude",direction="cached_input"} ${u2.cache_read_input_tokens}`);
    expect(metrics).toContain(`${METRICS.tokensTotal}{model="claude-sonnet-4-5",upstream="claude",direction="cache_write"} ${u1.cache_creation_input_tokens}`);
    expect(metrics).toMatch(new RegExp(`${METRICS.tokensTotal}\\{model="gpt-5",upstream="openai",direction="reasoning"\\} [1-9]`));
  });
});
