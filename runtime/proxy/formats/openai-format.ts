import type { ApiFormat } from './api-format';
import { openAIUpstreamBody } from './openai-upstream-body';
import { sendOpenAIError } from '../../http/openai-error';
import { SseUsageFilter, sseErrorEvent } from '../response/sse-usage-filter';
import { usageOfJson } from '../response/token-usage';

/**
 * The OpenAI format (Chat Completions, Completions, Embeddings, Models):
 * client and upstream speak the same API, so the body goes through with the
 * model rewritten and, for streams, usage asked for.
 */
export const OPENAI_FORMAT: ApiFormat = {
  name: 'openai',
  requestFacts: (body, route) => ({
    model: typeof body.model === 'string' ? body.model.slice(0, 200) : undefined,
    stream: route.streamable && body.stream === true,
  }),
  upstreamBody: openAIUpstreamBody,
  usageOfJson,
  errorCodeOf: openAIErrorCodeOf,
  streamFilter: (stripUsage) => new SseUsageFilter(stripUsage),
  sendError: sendOpenAIError,
  streamErrorEvent: sseErrorEvent,
};

/** The OpenAI `error.code` of an upstream error body, if readable and short. */
export function openAIErrorCodeOf(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' && code.length <= 64 ? code : undefined;
  } catch {
    return undefined;
  }
}
