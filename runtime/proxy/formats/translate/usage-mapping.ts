import type { AnthropicUsage } from './anthropic-messages-shapes';
import type { ChatUsage } from './chat-completions-shapes';

function count(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Anthropic usage → Chat usage. Anthropic's `input_tokens` leaves out the
 * cache reads and writes it counts beside it; Chat's `prompt_tokens`
 * includes them, with the reads repeated in `prompt_tokens_details.cached_tokens`.
 */
export function chatUsageOf(usage: unknown): ChatUsage {
  const cacheRead = count(field(usage, 'cache_read_input_tokens'));
  const cacheWrite = count(field(usage, 'cache_creation_input_tokens'));
  const prompt = count(field(usage, 'input_tokens')) + cacheRead + cacheWrite;
  const completion = count(field(usage, 'output_tokens'));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

/**
 * Chat usage → Anthropic usage: `prompt_tokens` minus the cached tokens
 * (`prompt_tokens_details.cached_tokens`) and the cache writes some
 * OpenAI-compatible providers report (`prompt_tokens_details.cache_write_tokens`).
 */
export function anthropicUsageOf(usage: unknown): AnthropicUsage {
  const details = field(usage, 'prompt_tokens_details');
  const cacheRead = count(field(details, 'cached_tokens'));
  const cacheWrite = count(field(details, 'cache_write_tokens'));
  return {
    input_tokens: Math.max(0, count(field(usage, 'prompt_tokens')) - cacheRead - cacheWrite),
    output_tokens: count(field(usage, 'completion_tokens')),
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
  };
}
