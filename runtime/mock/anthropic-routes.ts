/**
 * The Anthropic Messages API of the mock, shaped like Anthropic's:
 * `POST /messages` (JSON, or SSE: `message_start`, `content_block_start`,
 * `ping`, one `content_block_delta` per word, `content_block_stop`,
 * `message_delta` with the stop reason and output usage, `message_stop`), a
 * `tool_use` block (its `input` streamed as `input_json_delta` pieces) when
 * the request offers `tools` and the last message does not carry a
 * `tool_result`, `max_tokens` cut-offs (`stop_reason: "max_tokens"`), and
 * `POST /messages/count_tokens`. Errors are Anthropic's
 * `{"type":"error","error":{"type","message"}}`; `anthropic-version` is
 * required as the real API requires it. Usage carries
 * `cache_read_input_tokens` (the mock's prompt cache) and
 * `cache_creation_input_tokens` (prompts that ask for `cache_control` and
 * were not cached yet), which `input_tokens` does not include.
 */
import { randomBytes } from 'node:crypto';
import { jsonReply, type MockExchange, type MockReply, type MockRoute, type MockSseEvent } from './mock-reply';
import { MOCK_ANSWER_WORDS, sampleForSchema } from './openai-chat';
import { mockTokens } from './openai-usage';

/** Characters of tool input JSON per streamed delta. */
const ARGUMENT_PIECE = 8;

type Json = Record<string, unknown>;

/** Anthropic's error `type` for a status. */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

/** Anthropic's error body. */
export function anthropicError(status: number, message: string): unknown {
  return { type: 'error', error: { type: errorType(status), message } };
}

function bad(message: string): MockReply {
  return jsonReply(400, anthropicError(400, message));
}

function invalid(exchange: MockExchange, counting: boolean): MockReply | undefined {
  const { body, headers } = exchange;
  if (typeof headers['anthropic-version'] !== 'string') return bad('anthropic-version: header is required');
  if (typeof body.model !== 'string') return bad(`model: Field required (received ${JSON.stringify(body.model) ?? 'nothing'})`);
  if (!Array.isArray(body.messages)) return bad(`messages: Input should be a valid list (received ${JSON.stringify(body.messages)?.slice(0, 80) ?? 'nothing'})`);
  if (!counting && !(Number.isInteger(body.max_tokens) && (body.max_tokens as number) >= 1)) return bad(`max_tokens: Field required, an integer >= 1 (received ${JSON.stringify(body.max_tokens) ?? 'nothing'})`);
  return undefined;
}

/** True when a block of the system prompt or the messages asks for prompt caching. */
function asksForCache(body: Json): boolean {
  return JSON.stringify([body.system ?? null, body.tools ?? null, body.messages]).includes('"cache_control"');
}

/** The tool the model calls, if the request offers tools and the last message is not a tool result. */
function chosenTool(body: Json): { name: string; schema: unknown } | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]).filter((t) => typeof t.name === 'string') : [];
  const choice = body.tool_choice as { type?: unknown; name?: unknown } | undefined;
  if (tools.length === 0 || choice?.type === 'none') return undefined;
  const last = (body.messages as Json[]).at(-1);
  const content = Array.isArray(last?.content) ? (last.content as Json[]) : [];
  if (content.some((block) => block.type === 'tool_result')) return undefined;
  const tool = tools.find((t) => t.name === choice?.name) ?? tools[0];
  return { name: tool.name as string, schema: tool.input_schema };
}

function answerWords(body: Json): string[] {
  const last = (body.messages as Json[]).at(-1);
  const content = Array.isArray(last?.content) ? (last.content as Json[]) : [];
  const result = content.find((block) => block.type === 'tool_result');
  if (result) {
    const text = typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
    return `The tool answered: ${text}`.match(/\s*\S+/g) ?? [];
  }
  return [...MOCK_ANSWER_WORDS];
}

/** Usage as Anthropic reports it: `input_tokens` excludes cache reads and writes. */
function usageOf(exchange: MockExchange, outputTokens: number): Json {
  const { body } = exchange;
  const prompt = mockTokens(JSON.stringify([body.system ?? '', body.messages]));
  const cached = Math.min(exchange.mock.promptCache.lookup(body.messages as unknown[]), prompt);
  const written = cached === 0 && asksForCache(body) ? prompt : 0;
  return {
    input_tokens: Math.max(0, prompt - cached - written),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cached,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function answerMessage(exchange: MockExchange): MockReply {
  const problem = invalid(exchange, false);
  if (problem) return problem;
  const { body, mock } = exchange;
  const suffix = `${mock.name.replace(/[^a-z0-9]/gi, '')}${mock.requestNumber}${randomBytes(4).toString('hex')}`;
  const tool = chosenTool(body);
  let block: Json;
  let pieces: string[];
  let stopReason: string;
  let outputTokens: number;
  if (tool) {
    const input = sampleForSchema(tool.schema) as Json;
    const json = JSON.stringify(input);
    block = { type: 'tool_use', id: `toolu_${suffix}`, name: tool.name, input };
    pieces = [];
    for (let at = 0; at < json.length; at += ARGUMENT_PIECE) pieces.push(json.slice(at, at + ARGUMENT_PIECE));
    stopReason = 'tool_use';
    outputTokens = mockTokens(tool.name + json);
  } else {
    pieces = answerWords(body);
    stopReason = 'end_turn';
    if (pieces.length > (body.max_tokens as number)) {
      pieces = pieces.slice(0, body.max_tokens as number);
      stopReason = 'max_tokens';
    }
    block = { type: 'text', text: pieces.join('') };
    outputTokens = pieces.length;
  }
  const usage = usageOf(exchange, outputTokens);
  const message = { id: `msg_${suffix}`, type: 'message', role: 'assistant', model: body.model, content: [block], stop_reason: stopReason, stop_sequence: null, usage };
  if (body.stream !== true) return jsonReply(200, message);
  const events: MockSseEvent[] = [];
  const emit = (type: string, fields: Json): void => {
    events.push({ event: type, data: JSON.stringify({ type, ...fields }) });
  };
  emit('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
  if (tool) {
    emit('content_block_start', { index: 0, content_block: { ...block, input: {} } });
    emit('ping', {});
    for (const partial of pieces) emit('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: partial } });
  } else {
    emit('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    emit('ping', {});
    for (const text of pieces) emit('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
  }
  emit('content_block_stop', { index: 0 });
  emit('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
  emit('message_stop', {});
  return { kind: 'sse', events };
}

/** `POST /messages`. */
export const messagesRoute: MockRoute = { method: 'POST', path: '/messages', readsJson: true, answer: answerMessage, errorBody: (status, message) => anthropicError(status, message) };

/** `POST /messages/count_tokens`. */
export const countTokensRoute: MockRoute = {
  method: 'POST',
  path: '/messages/count_tokens',
  readsJson: true,
  answer(exchange) {
    const problem = invalid(exchange, true);
    if (problem) return problem;
    return jsonReply(200, { input_tokens: mockTokens(JSON.stringify([exchange.body.system ?? '', exchange.body.messages, exchange.body.tools ?? []])) });
  },
  errorBody: (status, message) => anthropicError(status, message),
};

/** The Anthropic Messages routes of the mock. */
export const ANTHROPIC_ROUTES: readonly MockRoute[] = [messagesRoute, countTokensRoute];
