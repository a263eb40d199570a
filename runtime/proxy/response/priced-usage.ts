import { priceTokens } from '../../core';
import type { TokenUsage } from '../../events';
import type { Exchange } from '../exchange';
import type { NormalizedUsage } from '../formats/types';

/** Usage as the events carry it, and its cost under the request's pricing (cached and cache-write tokens at their prices). */
export function pricedUsage(x: Exchange, usage: NormalizedUsage): { readonly usage: TokenUsage; readonly costUsd: number } {
  const tokens: TokenUsage = {
    promptTokens: usage.inputTokens,
    completionTokens: usage.outputTokens,
    cachedTokens: usage.cachedInputTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    reasoningTokens: usage.reasoningTokens,
  };
  return { usage: tokens, costUsd: priceTokens(x.config.pricing, x.model, tokens) };
}
