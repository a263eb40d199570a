import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../../runtime/core';
import { formatCost } from '../../../runtime/proxy/response/response-commit';
import { DEFAULT_PRICING, HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('model names and prices', () => {
  const fx = useProxyFixture();

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('passes the model %j through unrewritten and prices it at 0', async (model) => {
    // GIVEN an upstream with a rewrite table and the default pricing
    fx.mocks = await startMocks(1);
    const config = configFor(fx.mocks);
    config.upstreams[0].modelRewrites['gpt-4.1'] = 'gpt-4.1-2025';
    fx.proxy = await startTestProxy(config);
    // WHEN a client names a model that is an Object.prototype property
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, { ...CHAT, model });
    // THEN the upstream receives that name, and the cost is a number (0), never NaN
    expect(res.status).toBe(200);
    expect(JSON.parse(fx.mocks[0].received[0].body).model).toBe(model);
    expect(res.headers.get(HEADERS.costUsd)).toBe('0');
    const finished = fx.proxy.events.of('requestFinished')[0];
    expect(finished.costUsd).toBe(0);
  });

  it('prices only own entries of the pricing table', () => {
    // GIVEN the default pricing
    // WHEN prototype names are priced
    // THEN they cost 0 and a real model still costs its price
    for (const model of ['constructor', '__proto__', 'toString', 'valueOf']) {
      expect(priceUsage(DEFAULT_PRICING, model, 1000, 1000)).toBe(0);
    }
    expect(priceUsage(DEFAULT_PRICING, 'gpt-4.1', 1_000_000, 0)).toBe(8);
  });

  it('formats x-failover-cost-usd as a fixed decimal without exponent', () => {
    // GIVEN tiny, ordinary and zero costs
    // WHEN formatted / THEN no exponent, trailing zeros trimmed
    expect(formatCost(1.2e-7)).toBe('0.00000012');
    expect(formatCost(0.0006)).toBe('0.0006');
    expect(formatCost(20)).toBe('20');
    expect(formatCost(0)).toBe('0');
  });
});
