import type { ModelPrice } from '../../src/contract';

/**
 * Cost in USD of one response, with the seed's formula:
 * input/1M × input price + output/1M × output price. An unpriced model costs 0.
 */
export function priceUsage(
  pricing: Readonly<Record<string, ModelPrice>>,
  model: string,
  promptTokens: number,
  completionTokens: number,
): number {
  // own properties only: `model` comes from the client (`constructor`, `__proto__`, `toString`)
  const price = Object.hasOwn(pricing, model) ? pricing[model] : undefined;
  if (!price) {
    return 0;
  }
  return (promptTokens / 1_000_000) * price.inputPerMillion + (completionTokens / 1_000_000) * price.outputPerMillion;
}
