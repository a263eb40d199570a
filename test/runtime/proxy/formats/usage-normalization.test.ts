import { describe, expect, it } from 'vitest';
import { priceTokens } from '../../../../runtime/core/pricing';
import { normalizeUsage, usageOfAnswer } from '../../../../runtime/proxy/formats/usage';

describe('usage normalization and pricing of cached tokens', () => {
  it('normalizes the three usage shapes to totals that include cached input', () => {
    // GIVEN one usage object of each shape
    const chat = {
      prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 5 },
    };
    const responses = {
      input_tokens: 100, output_tokens: 20, input_tokens_details: { cached_tokens: 60 }, output_tokens_details: { reasoning_tokens: 5 },
    };
    const anthropic = { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 60, cache_creation_input_tokens: 30 };
    // WHEN normalized
    // THEN input is the total and the cached, cache-write and reasoning parts are kept
    expect(normalizeUsage('chat', chat)).toEqual({ inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, cacheWriteTokens: 0, reasoningTokens: 5 });
    expect(normalizeUsage('responses', responses)).toEqual({ inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, cacheWriteTokens: 0, reasoningTokens: 5 });
    expect(normalizeUsage('messages', anthropic)).toEqual({ inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, cacheWriteTokens: 30, reasoningTokens: 0 });
    // AND a JSON answer's top-level usage is read; a missing or broken one is not
    expect(usageOfAnswer('messages', { usage: anthropic })?.inputTokens).toBe(100);
    expect(usageOfAnswer('chat', { id: 'x' })).toBeUndefined();
    expect(normalizeUsage('chat', { prompt_tokens: 'many', completion_tokens: -3 })).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it('prices cached reads and cache writes at their own prices, or at the input price when absent', () => {
    // GIVEN a model with cache prices and one without
    const pricing = {
      priced: { inputPerMillion: 10, outputPerMillion: 40, cachedInputPerMillion: 1, cacheWritePerMillion: 12.5 },
      plain: { inputPerMillion: 10, outputPerMillion: 40 },
    };
    const tokens = { promptTokens: 1_000_000, completionTokens: 1_000_000, cachedTokens: 600_000, cacheWriteTokens: 200_000 };
    // WHEN priced
    // THEN 0.2M uncached × 10 + 0.6M × 1 + 0.2M × 12.5 + 1M × 40
    expect(priceTokens(pricing, 'priced', tokens)).toBeCloseTo(2 + 0.6 + 2.5 + 40, 10);
    expect(priceTokens(pricing, 'plain', tokens)).toBeCloseTo(10 + 40, 10);
    expect(priceTokens(pricing, 'unknown', tokens)).toBe(0);
  });
});
