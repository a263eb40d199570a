import type { ClientApi, SseEvent } from './types';
import { openAIErrorBody } from '../../http/openai-error';

/** Anthropic error `type` for an HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400: case 405: case 409: case 422: return 'invalid_request_error';
    case 401: return 'authentication_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit_error';
    case 503: case 529: return 'overloaded_error';
    case 504: return 'timeout_error';
    default: return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** True for the client APIs whose errors are Anthropic-shaped. */
export function speaksAnthropic(api: ClientApi): boolean {
  return api === 'messages' || api === 'count_tokens';
}

/**
 * The JSON error body of a route: OpenAI's `{"error":{"message","type","code","param"}}`,
 * or Anthropic's `{"type":"error","error":{"type","message"}}` on the Messages routes
 * (the proxy's code is kept in the message, e.g. `all_upstreams_failed: every attempt failed`).
 */
export function errorBody(api: ClientApi, status: number, code: string, message: string, param: string | null = null): unknown {
  if (speaksAnthropic(api)) {
    return { type: 'error', error: { type: anthropicErrorType(status), message: `${code}: ${message}` } };
  }
  const body = openAIErrorBody(status, code, message);
  return param === null ? body : { error: { ...body.error, param } };
}

/**
 * The SSE event that ends a stream that broke after output started, in the
 * route's own format (never a clean end):
 * - Chat / Completions: a data-only event whose JSON has `error` (the openai
 *   SDK throws an APIError on `data.error`; clients that only listen to
 *   unnamed events see it too);
 * - Responses: an `error` typed event (`type`, `code`, `message`, `param`,
 *   `sequence_number`) that also carries `error` so the openai SDK throws;
 * - Messages: Anthropic's `event: error` with `{"type":"error","error":{...}}`.
 */
export function streamErrorEvent(api: ClientApi, code: string, message: string, sequenceNumber = 0): SseEvent {
  if (speaksAnthropic(api)) {
    return { event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'api_error', message: `${code}: ${message}` } }) };
  }
  if (api === 'responses') {
    return {
      event: 'error',
      data: JSON.stringify({ type: 'error', code, message, param: null, sequence_number: sequenceNumber, error: { type: 'api_error', code, message, param: null } }),
    };
  }
  return { data: JSON.stringify(openAIErrorBody(502, code, message)) };
}

/** The message and code of an upstream error body of either shape (for re-shaping it to the client's). */
export function readUpstreamError(body: Buffer): { readonly message?: string; readonly code?: string } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown; code?: unknown; type?: unknown } } | null;
    const error = parsed?.error;
    const message = typeof error?.message === 'string' ? error.message.slice(0, 1000) : undefined;
    const rawCode = typeof error?.code === 'string' ? error.code : typeof error?.type === 'string' ? error.type : undefined;
    const code = rawCode !== undefined && rawCode.length <= 64 ? rawCode : undefined;
    return { message, code };
  } catch {
    return {};
  }
}
