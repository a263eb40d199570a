import type { NormalizedUsage, WireShape } from './types';

/** Which usage fields a wire shape reports. */
type UsageDialect = 'openai_chat' | 'openai_responses' | 'anthropic';

/** The usage dialect of a wire shape. */
export function usageDialectOf(shape: WireShape): UsageDialect {
  if (shape === 'responses') return 'openai_responses';
  if (shape === 'messages' || shape === 'count_tokens') return 'anthropic';
  return 'openai_chat';
}

function count(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Normalizes one `usage` object of a dialect:
 * - Chat / Completions / Embeddings: `prompt_tokens` (cached included), `completion_tokens`,
 *   `prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`;
 * - Responses: `input_tokens` (cached included), `output_tokens`,
 *   `input_tokens_details.cached_tokens`, `output_tokens_details.reasoning_tokens`;
 * - Anthropic: `input_tokens` (cache reads and writes NOT included),
 *   `output_tokens`, `cache_read_input_tokens`, `cache_creation_input_tokens`.
 * Input is always the total (cache reads and writes included), as OpenAI counts it.
 * Undefined when `usage` is not an object.
 */
export function normalizeUsage(shape: WireShape, usage: unknown): NormalizedUsage | undefined {
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return undefined;
  switch (usageDialectOf(shape)) {
    case 'openai_responses':
      return {
        inputTokens: count(field(usage, 'input_tokens')),
        outputTokens: count(field(usage, 'output_tokens')),
        cachedInputTokens: count(field(field(usage, 'input_tokens_details'), 'cached_tokens')),
        cacheWriteTokens: 0,
        reasoningTokens: count(field(field(usage, 'output_tokens_details'), 'reasoning_tokens')),
      };
    case 'anthropic': {
      const cached = count(field(usage, 'cache_read_input_tokens'));
      const written = count(field(usage, 'cache_creation_input_tokens'));
      return {
        inputTokens: count(field(usage, 'input_tokens')) + cached + written,
        outputTokens: count(field(usage, 'output_tokens')),
        cachedInputTokens: cached,
        cacheWriteTokens: written,
        reasoningTokens: 0,
      };
    }
    default:
      return {
        inputTokens: count(field(usage, 'prompt_tokens')),
        outputTokens: count(field(usage, 'completion_tokens')),
        cachedInputTokens: count(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')),
        cacheWriteTokens: 0,
        reasoningTokens: count(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')),
      };
  }
}

/**
 * Usage of a stream, fed every `usage` object the stream carries. OpenAI
 * shapes report usage once (the last report wins); Anthropic reports it in
 * parts (`message_start` has the input and cache counts, `message_delta` the
 * cumulative output count, sometimes the input again): fields merge, later
 * ones win.
 */
export class StreamUsage {
  private merged: Record<string, unknown> | undefined;

  public constructor(private readonly shape: WireShape) {}

  /** Adds one `usage` object seen in the stream. */
  public add(usage: unknown): void {
    if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return;
    if (usageDialectOf(this.shape) === 'anthropic') {
      const next: Record<string, unknown> = { ...this.merged };
      for (const [name, value] of Object.entries(usage as Record<string, unknown>)) {
        if (value !== null && value !== undefined) next[name] = value;
      }
      this.merged = next;
    } else {
      this.merged = usage as Record<string, unknown>;
    }
  }

  /** The usage so far, or undefined when the stream reported none. */
  public get value(): NormalizedUsage | undefined {
    return this.merged === undefined ? undefined : normalizeUsage(this.shape, this.merged);
  }
}

/** Usage of a buffered JSON answer of a wire shape (`usage` at the top level, Responses included). */
export function usageOfAnswer(shape: WireShape, body: unknown): NormalizedUsage | undefined {
  if (shape === 'count_tokens') return undefined;
  return normalizeUsage(shape, field(body, 'usage'));
}
