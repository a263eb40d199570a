/**
 * The vocabulary of the format seam: which API a client speaks, which wire
 * format an upstream speaks, the SSE events a stream is made of, and the
 * translator contract a (client API, upstream format) pair plugs in with.
 */

/** The API a client route speaks (one adapter each). */
export type ClientApi = 'chat' | 'completions' | 'embeddings' | 'models' | 'responses' | 'messages' | 'count_tokens';

/** The API an upstream speaks (`upstreams[].format` in config.yaml). */
export type UpstreamFormat = 'openai' | 'anthropic';

/**
 * The shape of what an upstream answers on the wire: the client API it
 * served natively (`chat` when a Messages request was translated to Chat
 * Completions, `messages` when a chat request went to an anthropic upstream).
 */
export type WireShape = 'chat' | 'completions' | 'embeddings' | 'models' | 'responses' | 'messages' | 'count_tokens';

/** A JSON object (a request or response body). */
export type JsonObject = Record<string, unknown>;

/** One server-sent event: its `event:` name (absent for unnamed events) and its `data:` text. */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

/** Token counts of one answer, normalized from the three usage shapes. */
export interface NormalizedUsage {
  /** Every input token, cached and cache writes included (OpenAI's `prompt_tokens`). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens read from the provider's prompt cache (part of `inputTokens`). */
  readonly cachedInputTokens: number;
  /** Input tokens written to the prompt cache (Anthropic's `cache_creation_input_tokens`; part of `inputTokens`). */
  readonly cacheWriteTokens: number;
  /** Reasoning tokens (part of `outputTokens`). */
  readonly reasoningTokens: number;
}

/** A field a translation cannot express in a way that keeps the answer the same: the request is refused with 400. */
export interface RequestRefusal {
  readonly kind: 'refused';
  /** The client's field, e.g. `n` or `messages[2].content[0].type`. */
  readonly field: string;
  /** Lower case, no trailing period, names the field and the value received. */
  readonly message: string;
}

/** A request translated for the upstream. */
export interface TranslatedRequest {
  readonly kind: 'translated';
  /** The body sent upstream (model already rewritten by the caller before translation). */
  readonly body: JsonObject;
  /** Client fields dropped because they do not change the answer (logged at debug). */
  readonly dropped: readonly string[];
}

/** What a request translation takes from the upstream's config. */
export interface TranslationOptions {
  /** `anthropic` upstreams: `max_tokens` for a chat request that names none (`upstreams[].defaultMaxTokens`). */
  readonly defaultMaxTokens?: number;
}

/** What a stream translator needs to know about the request it translates. */
export interface StreamContext {
  /** The model the client asked for (echoed in translated events). */
  readonly model: string;
  /** The client asked for usage in the stream (chat: `stream_options.include_usage`). */
  readonly includeUsage: boolean;
}

/**
 * Translates one upstream stream, event by event (stateful: one per
 * attempt). `push` gets every upstream event in order and returns the
 * client's events for it (none, one or several); `end` is called once when
 * the upstream stream ended cleanly and returns the closing events (e.g.
 * chat's `data: [DONE]`).
 */
export interface StreamTranslator {
  push(event: SseEvent, json: unknown): readonly SseEvent[];
  end(): readonly SseEvent[];
}

/**
 * One (client API, upstream wire shape) pair, as Envoy AI Gateway's
 * `internal/translator` has one per pair. Pure functions: no I/O, no clock.
 */
export interface Translator {
  /** The client's API. */
  readonly client: ClientApi;
  /** What the upstream is asked for and answers with. */
  readonly upstream: WireShape;
  /** The path under the upstream's base URL, e.g. `messages` or `chat/completions`. */
  readonly upstreamPath: string;
  /** Client request → upstream request, or a refusal naming the field. */
  request(body: JsonObject, options?: TranslationOptions): TranslatedRequest | RequestRefusal;
  /** Upstream JSON answer (2xx) → client JSON answer. */
  response(body: JsonObject, ctx: StreamContext): JsonObject;
  /** A new stream translator for one attempt. */
  stream(ctx: StreamContext): StreamTranslator;
}
