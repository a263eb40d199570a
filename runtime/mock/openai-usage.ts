/**
 * Token counts of the mock's answers: deterministic (about 4 characters a
 * token) and shaped like OpenAI's usage objects, including prompt caching
 * (`prompt_tokens_details.cached_tokens`) as OpenAI applies it: a prompt
 * whose leading messages were seen before has those tokens cached, counted in
 * blocks of 128 once the cached prefix reaches 1,024 tokens.
 */
import { createHash } from 'node:crypto';

/** Deterministic token count of a text (~4 characters a token, at least 1). */
export function mockTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Smallest prefix OpenAI caches, in tokens. */
export const CACHE_MIN_TOKENS = 1024;
/** Cached tokens come in blocks of this size. */
export const CACHE_BLOCK_TOKENS = 128;
/** Most prefixes remembered before the cache starts over. */
const CACHE_CAPACITY = 10_000;

/** Remembers the message prefixes a mock has seen (bounded). */
export class PromptCache {
  private readonly seen = new Set<string>();

  /**
   * Cached tokens of a prompt of `messages`: the longest leading run of
   * messages seen in an earlier request, rounded down to 128-token blocks,
   * 0 below 1,024 tokens. Records this prompt's prefixes for later requests.
   */
  public lookup(messages: readonly unknown[]): number {
    const keys = prefixKeys(messages);
    let cachedMessages = 0;
    for (let k = keys.length; k > 0; k--) {
      if (this.seen.has(keys[k - 1])) {
        cachedMessages = k;
        break;
      }
    }
    if (this.seen.size + keys.length > CACHE_CAPACITY) this.seen.clear();
    for (const key of keys) this.seen.add(key);
    if (cachedMessages === 0) return 0;
    const tokens = mockTokens(JSON.stringify(messages.slice(0, cachedMessages)));
    return tokens < CACHE_MIN_TOKENS ? 0 : Math.floor(tokens / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS;
  }

  public clear(): void {
    this.seen.clear();
  }
}

/** Hash of each leading run of messages: [m0], [m0, m1], … */
function prefixKeys(messages: readonly unknown[]): string[] {
  const hash = createHash('sha256');
  return messages.map((m) => hash.update(JSON.stringify(m) ?? 'null').update('\n').copy().digest('hex'));
}

/** OpenAI Chat Completions usage. */
export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details: { readonly cached_tokens: number; readonly audio_tokens: number };
  readonly completion_tokens_details: {
    readonly reasoning_tokens: number;
    readonly audio_tokens: number;
    readonly accepted_prediction_tokens: number;
    readonly rejected_prediction_tokens: number;
  };
}

/** Chat usage with `cached` of the prompt tokens served from the cache. */
export function chatUsage(promptTokens: number, completionTokens: number, cached: number): ChatUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: Math.min(cached, promptTokens), audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}
