/**
 * The OpenAI Responses API of the mock, shaped like OpenAI's:
 * `POST /responses` (JSON, or typed SSE events with `sequence_number`:
 * `response.created`, `response.in_progress`, `response.output_item.added`,
 * `response.content_part.added`, `response.output_text.delta` per word, the
 * `.done` events, `response.completed` with usage), a function call
 * (arguments streamed in pieces) when the request offers `tools` and the last
 * input item is not a `function_call_output`, `max_output_tokens` cut-offs
 * (`status: "incomplete"`), `previous_response_id` (404
 * `previous_response_not_found` for an id this mock never created: the state
 * lives with the upstream that made it), and `GET` / `DELETE`
 * `/responses/{id}`, `POST /responses/{id}/cancel`. Usage carries
 * `input_tokens_details.cached_tokens` (the mock's prompt cache) and
 * `output_tokens_details.reasoning_tokens` (for `reasoning` requests).
 */
import { randomBytes } from 'node:crypto';
import { jsonReply, openAiError, type MockExchange, type MockReply, type MockRoute, type MockSseEvent } from './mock-reply';
import { MOCK_ANSWER_WORDS, sampleForSchema } from './openai-chat';
import { mockTokens, type PromptCache } from './openai-usage';

/** Characters of function-call arguments per streamed delta. */
const ARGUMENT_PIECE = 8;
/** Most responses one mock remembers. */
const STORE_CAPACITY = 1000;

type Json = Record<string, unknown>;

/** The responses one mock created, by id (keyed by the mock's prompt cache: one per mock instance). */
const stores = new WeakMap<PromptCache, Map<string, Json>>();

function storeOf(exchange: MockExchange): Map<string, Json> {
  let store = stores.get(exchange.mock.promptCache);
  if (!store) {
    store = new Map();
    stores.set(exchange.mock.promptCache, store);
  }
  return store;
}

function remember(store: Map<string, Json>, response: Json): void {
  store.set(response.id as string, response);
  if (store.size > STORE_CAPACITY) store.delete(store.keys().next().value as string);
}

function notFound(id: string, param: string | null = null, code = 'not_found'): MockReply {
  return jsonReply(404, openAiError(404, param === null ? `No response found with id '${id}'.` : `Previous response with id '${id}' not found.`, code, param));
}

function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

/** The input items of a request (a string input is one user message). */
function inputItems(body: Json): Json[] {
  if (typeof body.input === 'string') return [{ role: 'user', content: body.input }];
  return Array.isArray(body.input) ? (body.input as Json[]) : [];
}

/** The function tool the model calls, if the request offers one and did not just get a tool result. */
function chosenTool(body: Json): { name: string; parameters: unknown } | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]).filter((t) => t.type === 'function' && typeof t.name === 'string') : [];
  if (tools.length === 0 || body.tool_choice === 'none') return undefined;
  if (inputItems(body).at(-1)?.type === 'function_call_output') return undefined;
  const named = (body.tool_choice as { name?: unknown } | undefined)?.name;
  const tool = tools.find((t) => t.name === named) ?? tools[0];
  return { name: tool.name as string, parameters: tool.parameters };
}

function answerWords(body: Json): string[] {
  const last = inputItems(body).at(-1);
  if (last?.type === 'function_call_output') return words(`The tool answered: ${typeof last.output === 'string' ? last.output : JSON.stringify(last.output)}`);
  const format = (body.text as { format?: { type?: unknown; schema?: unknown } } | undefined)?.format;
  if (format?.type === 'json_schema') return [JSON.stringify(sampleForSchema(format.schema))];
  return [...MOCK_ANSWER_WORDS];
}

function invalid(body: Json, store: Map<string, Json>): MockReply | undefined {
  const bad = (param: string, message: string): MockReply => jsonReply(400, openAiError(400, message, 'invalid_value', param));
  if (typeof body.model !== 'string') return bad('model', `Missing required parameter: 'model' (received ${JSON.stringify(body.model) ?? 'nothing'}).`);
  if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) return bad('input', `'input' must be a string or an array (received ${JSON.stringify(body.input)?.slice(0, 80)}).`);
  const limit = body.max_output_tokens;
  if (limit !== undefined && limit !== null && !(Number.isInteger(limit) && (limit as number) >= 16)) return bad('max_output_tokens', `'max_output_tokens' must be an integer >= 16 (received ${JSON.stringify(limit)}).`);
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null) {
    if (typeof previous !== 'string') return bad('previous_response_id', `'previous_response_id' must be a string (received ${JSON.stringify(previous)}).`);
    if (!store.has(previous)) return notFound(previous, 'previous_response_id', 'previous_response_not_found');
  }
  return undefined;
}

/** Responses usage: cached input from the mock's prompt cache, reasoning tokens when `reasoning` is asked for. */
function usageOf(exchange: MockExchange, items: Json[], outputTokens: number): Json {
  const { body } = exchange;
  const input = mockTokens(JSON.stringify([body.instructions ?? '', items]));
  const cached = Math.min(exchange.mock.promptCache.lookup(items), input);
  const reasoning = body.reasoning !== undefined && body.reasoning !== null ? Math.max(1, Math.ceil(outputTokens / 2)) : 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: outputTokens + reasoning,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + outputTokens + reasoning,
  };
}

/** The response object around `output` (status, echoed request fields, usage). */
function responseObject(exchange: MockExchange, id: string, output: Json[], status: string, usage: Json | null, incomplete: boolean): Json {
  const { body } = exchange;
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: body.background === true,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: (body.reasoning as Json | undefined)?.effort ?? null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

function answerResponse(exchange: MockExchange): MockReply {
  const { body, mock } = exchange;
  const store = storeOf(exchange);
  const bad = invalid(body, store);
  if (bad) return bad;
  const suffix = `${mock.name.replace(/[^a-z0-9]/gi, '')}${mock.requestNumber}${randomBytes(4).toString('hex')}`;
  const id = `resp_${suffix}`;
  const items = inputItems(body);
  const tool = chosenTool(body);
  let output: Json;
  let pieces: string[];
  let incomplete = false;
  let outputTokens: number;
  if (tool) {
    const args = JSON.stringify(sampleForSchema(tool.parameters));
    output = { type: 'function_call', id: `fc_${suffix}`, call_id: `call_${suffix}`, name: tool.name, arguments: args, status: 'completed' };
    pieces = [];
    for (let at = 0; at < args.length; at += ARGUMENT_PIECE) pieces.push(args.slice(at, at + ARGUMENT_PIECE));
    outputTokens = mockTokens(tool.name + args);
  } else {
    pieces = answerWords(body);
    const limit = typeof body.max_output_tokens === 'number' ? body.max_output_tokens : undefined;
    if (limit !== undefined && limit < pieces.length) {
      pieces = pieces.slice(0, limit);
      incomplete = true;
    }
    output = {
      type: 'message',
      id: `msg_${suffix}`,
      status: incomplete ? 'incomplete' : 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: pieces.join(''), annotations: [], logprobs: [] }],
    };
    outputTokens = pieces.length;
  }
  const usage = usageOf(exchange, items, outputTokens);
  const status = incomplete ? 'incomplete' : 'completed';
  const final = responseObject(exchange, id, [output], status, usage, incomplete);
  if (final.store !== false) remember(store, final);
  if (body.stream !== true) return jsonReply(200, final);
  return { kind: 'sse', events: streamEvents(exchange, id, output, pieces, final) };
}

/** The typed events of a streamed response, numbered. */
function streamEvents(exchange: MockExchange, id: string, output: Json, pieces: readonly string[], final: Json): MockSseEvent[] {
  const events: MockSseEvent[] = [];
  const emit = (type: string, fields: Json): void => {
    events.push({ event: type, data: JSON.stringify({ type, sequence_number: events.length, ...fields }) });
  };
  const opening = responseObject(exchange, id, [], 'in_progress', null, false);
  emit('response.created', { response: opening });
  emit('response.in_progress', { response: opening });
  const itemId = output.id as string;
  if (output.type === 'function_call') {
    emit('response.output_item.added', { output_index: 0, item: { ...output, arguments: '', status: 'in_progress' } });
    for (const delta of pieces) emit('response.function_call_arguments.delta', { item_id: itemId, output_index: 0, delta });
    emit('response.function_call_arguments.done', { item_id: itemId, output_index: 0, name: output.name, arguments: output.arguments });
  } else {
    const text = pieces.join('');
    emit('response.output_item.added', { output_index: 0, item: { ...output, status: 'in_progress', content: [] } });
    emit('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    for (const delta of pieces) emit('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] });
    emit('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] });
    emit('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [], logprobs: [] } });
  }
  emit('response.output_item.done', { output_index: 0, item: output });
  emit(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
  return events;
}

const RESPONSE_ID = /^\/responses\/([A-Za-z0-9_-]+)$/;
const CANCEL = /^\/responses\/([A-Za-z0-9_-]+)\/cancel$/;

/** `POST /responses`. */
export const responsesRoute: MockRoute = { method: 'POST', path: '/responses', readsJson: true, answer: answerResponse };

/** `GET /responses/{id}`: a response this mock created. */
export const getResponseRoute: MockRoute = {
  method: 'GET',
  path: RESPONSE_ID,
  readsJson: false,
  answer(exchange) {
    const id = RESPONSE_ID.exec(exchange.path)![1];
    const found = storeOf(exchange).get(id);
    return found ? jsonReply(200, found) : notFound(id);
  },
};

/** `DELETE /responses/{id}`. */
export const deleteResponseRoute: MockRoute = {
  method: 'DELETE',
  path: RESPONSE_ID,
  readsJson: false,
  answer(exchange) {
    const id = RESPONSE_ID.exec(exchange.path)![1];
    if (!storeOf(exchange).delete(id)) return notFound(id);
    return jsonReply(200, { id, object: 'response.deleted', deleted: true });
  },
};

/** `POST /responses/{id}/cancel`: a background response becomes `cancelled`; others are refused as OpenAI does. */
export const cancelResponseRoute: MockRoute = {
  method: 'POST',
  path: CANCEL,
  readsJson: false,
  answer(exchange) {
    const id = CANCEL.exec(exchange.path)![1];
    const store = storeOf(exchange);
    const found = store.get(id);
    if (!found) return notFound(id);
    if (found.background !== true) return jsonReply(400, openAiError(400, 'Only background responses can be cancelled.', 'invalid_request', null));
    const cancelled = { ...found, status: 'cancelled' };
    store.set(id, cancelled);
    return jsonReply(200, cancelled);
  },
};

/** The Responses API routes of the mock. */
export const RESPONSES_ROUTES: readonly MockRoute[] = [responsesRoute, getResponseRoute, deleteResponseRoute, cancelResponseRoute];
