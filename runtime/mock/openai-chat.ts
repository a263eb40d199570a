/**
 * `POST /v1/chat/completions` and `POST /v1/completions` of the mock, shaped
 * like OpenAI's: JSON or SSE (`stream: true`: a role-only first chunk, one
 * chunk per word, a finish chunk, the usage chunk when
 * `stream_options.include_usage`, then `[DONE]`), `n` choices, `max_tokens`
 * cut-offs (`finish_reason: "length"`), JSON answers for `response_format`,
 * and a tool call (`finish_reason: "tool_calls"`, arguments streamed in
 * pieces) when the request offers `tools` and the last message is not a tool
 * result. Usage carries `prompt_tokens_details.cached_tokens`.
 */
import { badRequest, jsonReply, type MockExchange, type MockReply, type MockRoute, type MockSseEvent } from './mock-reply';
import { chatUsage, mockTokens } from './openai-usage';

/** The default answer, one streamed chunk per word. */
export const MOCK_ANSWER_WORDS: readonly string[] = ['Hello', ' from', ' the', ' mock', ' upstream', '.'];
/** Characters of tool-call arguments per streamed chunk. */
const ARGUMENT_PIECE = 8;

/** A tool call the mock decided to make. */
interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** What one choice answers: words of text, or a tool call. */
interface Answer {
  readonly pieces: readonly string[];
  readonly toolCall?: ToolCall;
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
}

/** Sample JSON for a JSON schema: the first enum value, "sample", 1, true, [] and objects of those. */
export function sampleForSchema(schema: unknown, depth = 0): unknown {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ('const' in s) return s.const;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': return 'sample';
    case 'number': case 'integer': return 1;
    case 'boolean': return true;
    case 'array': return depth > 4 ? [] : [sampleForSchema(s.items, depth + 1)];
    case 'null': return null;
    default: {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return depth > 4 ? {} : Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, sampleForSchema(v, depth + 1)]));
    }
  }
}

/** The tool the request makes the model call, if any. */
function chosenTool(body: Record<string, unknown>): { name: string; parameters: unknown } | undefined {
  const tools = Array.isArray(body.tools) ? body.tools as Array<{ type?: unknown; function?: { name?: unknown; parameters?: unknown } }> : [];
  const functions = tools.filter((t) => t.type === 'function' && typeof t.function?.name === 'string');
  if (functions.length === 0 || body.tool_choice === 'none') return undefined;
  const messages = Array.isArray(body.messages) ? body.messages as Array<{ role?: unknown }> : [];
  if (messages.at(-1)?.role === 'tool') return undefined;
  const named = (body.tool_choice as { function?: { name?: unknown } } | undefined)?.function?.name;
  const tool = functions.find((t) => t.function!.name === named) ?? functions[0];
  return { name: tool.function!.name as string, parameters: tool.function!.parameters };
}

/** Words of a text, each with its leading space (as tokens stream). */
function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

/** The text answer: JSON for `response_format`, the tool result echoed after a tool call, else the greeting. */
function answerText(body: Record<string, unknown>): string[] {
  const format = body.response_format as { type?: unknown; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === 'json_schema') return [JSON.stringify(sampleForSchema(format.json_schema?.schema))];
  if (format?.type === 'json_object') return [JSON.stringify({ answer: MOCK_ANSWER_WORDS.join('') })];
  const messages = Array.isArray(body.messages) ? body.messages as Array<{ role?: unknown; content?: unknown }> : [];
  const last = messages.at(-1);
  if (last?.role === 'tool') return words(`The tool answered: ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)}`);
  return [...MOCK_ANSWER_WORDS];
}

/** The largest number of completion tokens the request allows, if it sets one. */
function maxTokens(body: Record<string, unknown>): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' ? value : undefined;
}

function decide(body: Record<string, unknown>, id: string, choice: number): Answer {
  const tool = chosenTool(body);
  if (tool !== undefined) {
    return { pieces: [], toolCall: { id: `call_${id}_${choice}`, name: tool.name, arguments: JSON.stringify(sampleForSchema(tool.parameters)) }, finishReason: 'tool_calls' };
  }
  const pieces = answerText(body);
  const limit = maxTokens(body);
  return limit !== undefined && limit < pieces.length
    ? { pieces: pieces.slice(0, limit), finishReason: 'length' }
    : { pieces, finishReason: 'stop' };
}

function completionTokens(answer: Answer): number {
  return answer.toolCall ? mockTokens(answer.toolCall.name + answer.toolCall.arguments) : answer.pieces.length;
}

/** Checks the fields the mock reads; a 400 naming the first bad one. */
function invalid(body: Record<string, unknown>, chat: boolean): MockReply | undefined {
  if (chat && body.messages !== undefined && !Array.isArray(body.messages)) return badRequest('messages', `'messages' must be an array (received ${JSON.stringify(body.messages)?.slice(0, 80)})`);
  if (body.n !== undefined && !(Number.isInteger(body.n) && (body.n as number) >= 1 && (body.n as number) <= 128)) return badRequest('n', `'n' must be an integer 1-128 (received ${JSON.stringify(body.n)})`);
  if (chat && body.tools !== undefined && !Array.isArray(body.tools)) return badRequest('tools', `'tools' must be an array (received ${JSON.stringify(body.tools)?.slice(0, 80)})`);
  const limit = body.max_completion_tokens ?? body.max_tokens;
  if (limit !== undefined && limit !== null && !(Number.isInteger(limit) && (limit as number) >= 1)) return badRequest('max_tokens', `'max_tokens' must be an integer >= 1 (received ${JSON.stringify(limit)})`);
  return undefined;
}

function chatMessage(answer: Answer): Record<string, unknown> {
  return answer.toolCall
    ? { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [{ id: answer.toolCall.id, type: 'function', function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments } }] }
    : { role: 'assistant', content: answer.pieces.join(''), refusal: null, annotations: [] };
}

/** The stream deltas of one choice: role first, then content (or tool-call pieces). */
function chatDeltas(answer: Answer): Array<Record<string, unknown>> {
  if (!answer.toolCall) {
    return [{ role: 'assistant', content: '', refusal: null }, ...answer.pieces.map((content) => ({ content }))];
  }
  const { id, name, arguments: args } = answer.toolCall;
  const deltas: Array<Record<string, unknown>> = [{ role: 'assistant', content: null, tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] }];
  for (let at = 0; at < args.length; at += ARGUMENT_PIECE) {
    deltas.push({ tool_calls: [{ index: 0, function: { arguments: args.slice(at, at + ARGUMENT_PIECE) } }] });
  }
  return deltas;
}

function answerCompletion({ body, mock, path }: MockExchange): MockReply {
  const chat = path === '/chat/completions';
  const bad = invalid(body, chat);
  if (bad) return bad;
  const model = typeof body.model === 'string' ? body.model : 'unknown';
  const id = `${chat ? 'chatcmpl' : 'cmpl'}-${mock.name}-${mock.requestNumber}`;
  const created = Math.floor(Date.now() / 1000);
  const n = (body.n as number | undefined) ?? 1;
  const answers = Array.from({ length: n }, (_, i) => decide(body, id, i));
  const promptTokens = mockTokens(JSON.stringify(body.messages ?? body.prompt ?? body.input ?? ''));
  const cached = chat && Array.isArray(body.messages) ? mock.promptCache.lookup(body.messages) : 0;
  const usage = chatUsage(promptTokens, answers.reduce((sum, a) => sum + completionTokens(a), 0), cached);
  const head = { id, object: chat ? 'chat.completion' : 'text_completion', created, model, system_fingerprint: mock.name };

  if (body.stream !== true) {
    return jsonReply(200, {
      ...head,
      choices: answers.map((a, index) => (chat
        ? { index, message: chatMessage(a), logprobs: null, finish_reason: a.finishReason }
        : { index, text: a.pieces.join(''), logprobs: null, finish_reason: a.finishReason })),
      usage,
      ...(chat ? { service_tier: 'default' } : {}),
    });
  }

  const chunkHead = { ...head, object: chat ? 'chat.completion.chunk' : 'text_completion' };
  const frames: unknown[] = [];
  answers.forEach((a, index) => {
    if (chat) {
      for (const delta of chatDeltas(a)) frames.push({ ...chunkHead, choices: [{ index, delta, logprobs: null, finish_reason: null }] });
      frames.push({ ...chunkHead, choices: [{ index, delta: {}, logprobs: null, finish_reason: a.finishReason }] });
    } else {
      for (const text of a.pieces) frames.push({ ...chunkHead, choices: [{ index, text, logprobs: null, finish_reason: null }] });
      frames.push({ ...chunkHead, choices: [{ index, text: '', logprobs: null, finish_reason: a.finishReason }] });
    }
  });
  if ((body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true) {
    frames.push({ ...chunkHead, choices: [], usage });
  }
  const events: MockSseEvent[] = [...frames.map((f) => ({ data: JSON.stringify(f) })), { data: '[DONE]' }];
  return { kind: 'sse', events };
}

/** `POST /chat/completions`. */
export const chatCompletionsRoute: MockRoute = { method: 'POST', path: '/chat/completions', readsJson: true, answer: answerCompletion };
/** `POST /completions` (the legacy text completions). */
export const completionsRoute: MockRoute = { method: 'POST', path: '/completions', readsJson: true, answer: answerCompletion };
