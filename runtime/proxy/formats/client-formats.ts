import type { ServerResponse } from 'node:http';
import type { ApiFormat, RequestProblem } from './api-format';
import { errorBody, readUpstreamError, streamErrorEvent } from './error-shapes';
import { formatEvent } from './sse-scanner';
import type { ClientApi, JsonObject } from './types';
import { nativeFormatOf, planUpstream, translatorFor } from './upstream-plan';

/** Sends a JSON error body (or ends the socket when headers already went out: a second status line is impossible). */
function sendJsonError(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>>): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.statusCode = status;
  res.end(text);
}

function shown(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}

/** Responses: `previous_response_id` must be a string when set. */
function checkResponses(body: Readonly<JsonObject>): RequestProblem | undefined {
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null && (typeof previous !== 'string' || previous.length === 0 || previous.length > 200)) {
    return { code: 'invalid_value', param: 'previous_response_id', message: `previous_response_id must be a response id string (received ${shown(previous)})` };
  }
  return undefined;
}

/** Messages: what every Messages request needs (Anthropic refuses the same with 400). */
function checkMessages(counting: boolean): (body: Readonly<JsonObject>) => RequestProblem | undefined {
  return (body) => {
    if (typeof body.model !== 'string' || body.model.length === 0) return { code: 'invalid_request', param: 'model', message: `model: a model name is required (received ${shown(body.model)})` };
    if (!Array.isArray(body.messages)) return { code: 'invalid_request', param: 'messages', message: `messages: a list of messages is required (received ${shown(body.messages)})` };
    if (!counting && !(Number.isInteger(body.max_tokens) && (body.max_tokens as number) >= 1)) {
      return { code: 'invalid_request', param: 'max_tokens', message: `max_tokens: an integer >= 1 is required (received ${shown(body.max_tokens)})` };
    }
    return undefined;
  };
}

/** The adapter of one client API, built from the format pieces (plan, error shapes). */
function clientFormat(api: ClientApi, check: (body: Readonly<JsonObject>) => RequestProblem | undefined = () => undefined): ApiFormat {
  return {
    name: api,
    api,
    requestFacts: (body, route) => ({
      model: typeof body.model === 'string' ? body.model.slice(0, 200) : undefined,
      stream: route.streamable && body.stream === true,
    }),
    checkRequest: check,
    serves: (format) => nativeFormatOf(api) === format || translatorFor(api, format) !== undefined,
    plan: (_route, subPath, upstream, body, stream) => planUpstream(api, subPath, {
      name: upstream.name,
      format: upstream.config.format,
      modelRewrites: upstream.config.modelRewrites,
      includeUsage: upstream.config.includeUsage,
      defaultMaxTokens: upstream.config.defaultMaxTokens,
    }, body as JsonObject | undefined, stream),
    errorCodeOf: (body) => readUpstreamError(body).code,
    errorBody: (status, code, message, param = null) => errorBody(api, status, code, message, param),
    sendError: (res, status, code, message, headers, param = null) => {
      sendJsonError(res, status, errorBody(api, status, code, message, param), headers);
    },
    streamErrorEvent: (code, message) => formatEvent(streamErrorEvent(api, code, message)),
  };
}

/** OpenAI Chat Completions (`POST /v1/chat/completions`); an anthropic upstream serves it by translation. */
export const CHAT_FORMAT = clientFormat('chat');
/** OpenAI legacy Completions. */
export const COMPLETIONS_FORMAT = clientFormat('completions');
/** OpenAI Embeddings. */
export const EMBEDDINGS_FORMAT = clientFormat('embeddings');
/** OpenAI `GET /v1/models`. */
export const MODELS_FORMAT = clientFormat('models');
/** OpenAI Responses API (`/v1/responses` and its id routes): openai upstreams only. */
export const RESPONSES_FORMAT = clientFormat('responses', checkResponses);
/** Anthropic Messages (`POST /v1/messages`); an openai upstream serves it by translation. */
export const MESSAGES_FORMAT = clientFormat('messages', checkMessages(false));
/** Anthropic `POST /v1/messages/count_tokens`: anthropic upstreams only. */
export const COUNT_TOKENS_FORMAT = clientFormat('count_tokens', checkMessages(true));
