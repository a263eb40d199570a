import type { TokenUsage } from '../../events';

/** The token counts of an OpenAI `usage` object (`prompt_tokens` / `completion_tokens`), if it is one. */
export function tokenUsageOf(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const counts = usage as { prompt_tokens?: unknown; completion_tokens?: unknown };
  return {
    promptTokens: Number(counts.prompt_tokens) || 0,
    completionTokens: Number(counts.completion_tokens) || 0,
  };
}

/** Usage of a buffered JSON response, if it has any. */
export function usageOfJson(body: Buffer): TokenUsage | undefined {
  try {
    return tokenUsageOf((JSON.parse(body.toString('utf8')) as { usage?: unknown } | null)?.usage);
  } catch {
    return undefined;
  }
}
