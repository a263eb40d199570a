/**
 * What a route of the mock is: the request it reads ({@link MockExchange})
 * and the reply it returns ({@link MockReply}: JSON, or SSE events that the
 * mock writes with its stream fault modes applied), plus reply helpers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { PromptCache } from './openai-usage';

/** One parsed request, as a route sees it. */
export interface MockExchange {
  readonly method: string;
  /** Path without the `/v1` prefix and the query, e.g. `/chat/completions`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body (`{}` for a route that reads none). */
  readonly body: Record<string, unknown>;
  /** The mock answering: its name, models, request number and prompt cache. */
  readonly mock: MockContext;
}

/** What a route may read of the mock it runs in. */
export interface MockContext {
  readonly name: string;
  readonly models: readonly string[];
  /** 1 for the first request this mock counted, then 2, … (for ids). */
  readonly requestNumber: number;
  /** Prompt prefixes seen before, for `cached_tokens`. */
  readonly promptCache: PromptCache;
  /** Embedding length when the request names neither `dimensions` nor a known model. */
  readonly embeddingDimensions: number;
}

/** One server-sent event (`event:` line only when `event` is set). */
export interface MockSseEvent {
  readonly event?: string;
  readonly data: string;
}

/** A route's answer. */
export type MockReply =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'sse'; readonly events: readonly MockSseEvent[] };

/** One served route. */
export interface MockRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path without `/v1`: exact, or a pattern for paths with ids. */
  readonly path: string | RegExp;
  /** Whether the body is JSON to parse (a bad one is answered 400 `invalid_json`). */
  readonly readsJson: boolean;
  answer(exchange: MockExchange): MockReply;
  /**
   * The error body of this route's API for the `status` fault mode and bad
   * requests. @default the OpenAI shape `{"error":{"message","type","param","code"}}`
   */
  errorBody?(status: number, message: string, code: string): unknown;
}

/** The OpenAI error body (`type` from the status, `param` when a field is named). */
export function openAiError(status: number, message: string, code: string | null, param: string | null = null): unknown {
  // as OpenAI types them: rate limits `requests`, its own failures `server_error`, the rest the request's fault
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param, code } };
}

/** A JSON reply. */
export function jsonReply(status: number, body: unknown): MockReply {
  return { kind: 'json', status, body };
}

/** A 400 in the OpenAI shape naming the bad field. */
export function badRequest(param: string, message: string): MockReply {
  return jsonReply(400, openAiError(400, message, 'invalid_value', param));
}
