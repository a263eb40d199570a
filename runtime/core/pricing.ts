import type { ModelPrice } from '../../src/contract';

/** Token counts a price applies to (cached and cache-write tokens are part of the input). */
export interface PricedTokens {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens?: number;
  readonly cacheWriteTokens?: number;
}

/**
 * Cost in USD of one response, with the seed's formula:
 * input/1M × input price + output/1M × output price, where input tokens
 * read from the prompt cache cost `cachedInputPerMillion` and those written
 * to it `cacheWritePerMillion` (each the input price when absent). An
 * unpriced model costs 0.
 */
export function priceTokens(pricing: Readonly<Record<string, ModelPrice>>, model: string, tokens: PricedTokens): number {
  // own properties only: `model` comes from the client (`constructor`, `__proto__`, `toString`)
  const price = Object.hasOwn(pricing, model) ? pricing[model] : undefined;
  if (!price) {
    return 0;
  }
  const cached = Math.min(tokens.cachedTokens ?? 0, tokens.promptTokens);
  const written = Math.min(tokens.cacheWriteTokens ?? 0, tokens.promptTokens - cached);
  const uncached = tokens.promptTokens - cached - written;
  return (uncached / 1_000_000) * price.inputPerMillion
    + (cached / 1_000_000) * (price.cachedInputPerMillion ?? price.inputPerMillion)
    + (written / 1_000_000) * (price.cacheWritePerMillion ?? price.inputPerMillion)
    + (tokens.completionTokens / 1_000_000) * price.outputPerMillion;
}

/** {@link priceTokens} of plain input and output counts (no cache). */
export function priceUsage(
  pricing: Readonly<Record<string, ModelPrice>>,
  model: string,
  promptTokens: number,
  completionTokens: number,
): number {
  return priceTokens(pricing, model, { promptTokens, completionTokens });
}
