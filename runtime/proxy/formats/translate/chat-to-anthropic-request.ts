import type { JsonObject, RequestRefusal, TranslatedRequest } from '../types';
import type {
  AnthropicContentBlock, AnthropicMessage, AnthropicRequest, AnthropicTextBlock, AnthropicTool, AnthropicToolChoice,
} from './anthropic-messages-shapes';
import { CHAT_TO_ANTHROPIC, DEFAULT_ANTHROPIC_MAX_TOKENS } from './chat-to-anthropic-fields';
import { FieldPolicy, FieldRefused, refuseInvalid as invalid } from './field-rules';
import { ANTHROPIC_IMAGE_TYPES, isHttpUrl, parseDataUrl } from './media-sources';
import { obj, type Json } from '../json-object';

/** Options of the Chat → Anthropic request translation. */
export interface ChatToAnthropicOptions {
  /**
   * `max_tokens` when the request names neither `max_completion_tokens` nor `max_tokens`.
   * @default DEFAULT_ANTHROPIC_MAX_TOKENS (4096)
   */
  readonly defaultMaxTokens?: number;
}

const POLICY = new FieldPolicy(CHAT_TO_ANTHROPIC);

/** Collects the translation of one request: the dropped fields and the turns built so far. */
class RequestBuilder {
  public readonly dropped: string[] = [];
  public readonly system: AnthropicTextBlock[] = [];
  public readonly turns: { role: 'user' | 'assistant'; content: string | AnthropicContentBlock[] }[] = [];

  /** Adds content to a turn, merged into the previous turn when it has the same role (Anthropic alternates roles). */
  public add(role: 'user' | 'assistant', content: string | AnthropicContentBlock[]): void {
    const last = this.turns[this.turns.length - 1];
    if (last?.role !== role) {
      this.turns.push({ role, content });
      return;
    }
    last.content = [...blocksOf(last.content), ...blocksOf(content)];
  }

  /** The turns, with tool results first in each user turn (Anthropic requires them before other content). */
  public messages(): AnthropicMessage[] {
    return this.turns.map(({ role, content }) => {
      if (role !== 'user' || typeof content === 'string') return { role, content };
      const results = content.filter((block) => block.type === 'tool_result');
      return { role, content: results.length === 0 ? content : [...results, ...content.filter((block) => block.type !== 'tool_result')] };
    });
  }
}

function blocksOf(content: string | AnthropicContentBlock[]): AnthropicContentBlock[] {
  return typeof content === 'string' ? (content.length > 0 ? [{ type: 'text', text: content }] : []) : content;
}

/** One content part of a user, system or tool message → an Anthropic block (undefined: nothing to send). */
function blockOfPart(part: unknown, path: string, b: RequestBuilder): AnthropicContentBlock | undefined {
  const p = obj(part);
  if (!p) return invalid(path, 'a content part object', part);
  switch (p.type) {
    case 'text':
      if (typeof p.text !== 'string') return invalid(`${path}.text`, 'a string', p.text);
      return p.text.length > 0 ? { type: 'text', text: p.text } : undefined;
    case 'refusal':
      return typeof p.refusal === 'string' && p.refusal.length > 0 ? { type: 'text', text: p.refusal } : undefined;
    case 'image_url':
      return imageBlock(p.image_url, `${path}.image_url`, b);
    case 'file':
      return documentBlock(p.file, `${path}.file`, b);
    case 'input_audio':
      POLICY.check('messages[].content[type=input_audio]', path, 'input_audio', b.dropped);
      return undefined;
    default:
      return invalid(`${path}.type`, 'one of text, image_url, file, input_audio, refusal', p.type);
  }
}

function imageBlock(image: unknown, path: string, b: RequestBuilder): AnthropicContentBlock {
  const source = obj(image);
  if (!source || typeof source.url !== 'string') return invalid(`${path}.url`, 'a data: or http(s) URL', source?.url);
  if (source.detail !== undefined) POLICY.check('messages[].content[].image_url.detail', `${path}.detail`, source.detail, b.dropped);
  const data = parseDataUrl(source.url);
  if (data) {
    if (!ANTHROPIC_IMAGE_TYPES.includes(data.mediaType)) {
      POLICY.refuse('messages[].content[type=image_url]', `${path}.url`, `data:${data.mediaType}`, `Anthropic takes ${ANTHROPIC_IMAGE_TYPES.join(', ')} images`);
    }
    return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  }
  if (isHttpUrl(source.url)) return { type: 'image', source: { type: 'url', url: source.url } };
  return invalid(`${path}.url`, 'a base64 data: URL or an http(s) URL', source.url.slice(0, 40));
}

function documentBlock(file: unknown, path: string, b: RequestBuilder): AnthropicContentBlock {
  const f = obj(file);
  if (f?.file_id !== undefined) POLICY.check('messages[].content[].file.file_id', `${path}.file_id`, f.file_id, b.dropped);
  const data = typeof f?.file_data === 'string' ? parseDataUrl(f.file_data) : undefined;
  if (!data || data.mediaType !== 'application/pdf') {
    const shown = data ? `data:${data.mediaType}` : typeof f?.file_data === 'string' ? f.file_data.slice(0, 30) : f?.file_data;
    return POLICY.refuse('messages[].content[type=file]', `${path}.file_data`, shown, 'Anthropic takes a PDF as a base64 data: URL');
  }
  const title = typeof f?.filename === 'string' ? { title: f.filename } : {};
  return { type: 'document', source: { type: 'base64', media_type: data.mediaType, data: data.data }, ...title };
}

/** Content of a user, system, developer or tool message → a string or Anthropic blocks. */
function contentOf(content: unknown, path: string, b: RequestBuilder): string | AnthropicContentBlock[] {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return invalid(path, 'a string or a list of content parts', content);
  return content.flatMap((part, j) => blockOfPart(part, `${path}[${j}]`, b) ?? []);
}

function textOf(content: string | AnthropicContentBlock[], path: string): AnthropicTextBlock[] {
  return blocksOf(content).map((block) => {
    if (block.type !== 'text') return invalid(path, 'text', block.type);
    return block;
  });
}

function assistantTurn(m: Json, path: string, b: RequestBuilder): string | AnthropicContentBlock[] {
  if (m.audio !== undefined && m.audio !== null) POLICY.check('messages[].audio', `${path}.audio`, m.audio, b.dropped);
  if (m.function_call !== undefined && m.function_call !== null) POLICY.check('messages[].function_call', `${path}.function_call`, m.function_call, b.dropped);
  const toolCalls = m.tool_calls === undefined || m.tool_calls === null ? [] : m.tool_calls;
  if (!Array.isArray(toolCalls)) return invalid(`${path}.tool_calls`, 'a list', toolCalls);
  const content = contentOf(m.content, `${path}.content`, b);
  const refusal = typeof m.refusal === 'string' && m.refusal.length > 0 ? [{ type: 'text' as const, text: m.refusal }] : [];
  if (toolCalls.length === 0 && refusal.length === 0) return content;
  const uses = toolCalls.map((raw, k): AnthropicContentBlock => {
    const call = obj(raw);
    const fn = obj(call?.function);
    const at = `${path}.tool_calls[${k}]`;
    if (!call || typeof call.id !== 'string') return invalid(`${at}.id`, 'a string', call?.id);
    if (!fn || typeof fn.name !== 'string') return invalid(`${at}.function.name`, 'a string', fn?.name);
    return { type: 'tool_use', id: call.id, name: fn.name, input: toolInput(fn.arguments, `${at}.function.arguments`) };
  });
  return [...blocksOf(content), ...refusal, ...uses];
}

function toolInput(args: unknown, path: string): unknown {
  if (args === undefined || args === null || args === '') return {};
  if (typeof args !== 'string') return invalid(path, 'a JSON text', args);
  try {
    const parsed: unknown = JSON.parse(args);
    return obj(parsed) ? parsed : invalid(path, 'a JSON object', args);
  } catch (error) {
    if (error instanceof FieldRefused) throw error;
    return invalid(path, 'valid JSON (the tool call\'s arguments)', args);
  }
}

function addMessage(raw: unknown, i: number, b: RequestBuilder): void {
  const path = `messages[${i}]`;
  const m = obj(raw);
  if (!m) return invalid(path, 'a message object', raw);
  if (m.name !== undefined) POLICY.check('messages[].name', `${path}.name`, m.name, b.dropped);
  switch (m.role) {
    case 'system':
    case 'developer':
      b.system.push(...textOf(contentOf(m.content, `${path}.content`, b), `${path}.content[].type`));
      return;
    case 'user':
      b.add('user', contentOf(m.content, `${path}.content`, b));
      return;
    case 'assistant':
      b.add('assistant', assistantTurn(m, path, b));
      return;
    case 'tool': {
      if (typeof m.tool_call_id !== 'string') return invalid(`${path}.tool_call_id`, 'a string', m.tool_call_id);
      const content = contentOf(m.content, `${path}.content`, b);
      const result: AnthropicContentBlock = { type: 'tool_result', tool_use_id: m.tool_call_id, content: typeof content === 'string' ? content : textOf(content, `${path}.content[].type`) };
      b.add('user', [result]);
      return;
    }
    case 'function':
      return POLICY.check('messages[role=function]', `${path}.role`, 'function', b.dropped);
    default:
      return invalid(`${path}.role`, 'one of system, developer, user, assistant, tool', m.role);
  }
}

function toolsOf(tools: unknown, b: RequestBuilder): AnthropicTool[] {
  if (!Array.isArray(tools)) return invalid('tools', 'a list', tools);
  return tools.map((raw, k) => {
    const tool = obj(raw);
    if (!tool) return invalid(`tools[${k}]`, 'a tool object', raw);
    POLICY.check('tools[].type', `tools[${k}].type`, tool.type, b.dropped);
    const fn = obj(tool.function);
    if (!fn || typeof fn.name !== 'string') return invalid(`tools[${k}].function.name`, 'a string', fn?.name);
    if (fn.strict !== undefined) POLICY.check('tools[].function.strict', `tools[${k}].function.strict`, fn.strict, b.dropped);
    const description = typeof fn.description === 'string' ? { description: fn.description } : {};
    const schema = obj(fn.parameters) ?? { type: 'object', properties: {} };
    return { name: fn.name, ...description, input_schema: schema };
  });
}

function toolChoiceOf(choice: unknown, parallel: unknown, b: RequestBuilder): AnthropicToolChoice | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null) return parallel === false ? { type: 'auto', ...disable } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disable };
  if (choice === 'required') return { type: 'any', ...disable };
  const named = obj(choice);
  if (named?.type === 'allowed_tools') {
    POLICY.check('tool_choice.allowed_tools', 'tool_choice.allowed_tools', named.allowed_tools, b.dropped);
    return undefined;
  }
  const name = obj(named?.function)?.name;
  if (named?.type === 'function' && typeof name === 'string') return { type: 'tool', name, ...disable };
  return invalid('tool_choice', 'none, auto, required or {"type":"function","function":{"name"}}', choice);
}

function stopOf(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop.length > 0 ? stop : undefined;
  return invalid('stop', 'a string or a list of strings', stop);
}

function positiveInteger(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return invalid(path, 'a positive integer', value);
  return value;
}

/**
 * Chat Completions request → Anthropic Messages request (`POST {baseUrl}/messages`),
 * or a refusal naming the first field the Messages API cannot express
 * without changing the answer. What becomes of each field is the
 * {@link CHAT_TO_ANTHROPIC} table (the README's translation table).
 */
export function chatToAnthropicRequest(body: JsonObject, options: ChatToAnthropicOptions = {}): TranslatedRequest | RequestRefusal {
  try {
    return { kind: 'translated', ...translate(body, options) };
  } catch (error) {
    if (error instanceof FieldRefused) return { kind: 'refused', field: error.field, message: error.message };
    throw error;
  }
}

function translate(body: JsonObject, options: ChatToAnthropicOptions): { body: JsonObject; dropped: string[] } {
  const b = new RequestBuilder();
  POLICY.checkTopLevel(body, b.dropped);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages', 'a non-empty list of messages', body.messages);
  body.messages.forEach((m, i) => addMessage(m, i, b));
  const maxTokens = positiveInteger(body.max_completion_tokens, 'max_completion_tokens')
    ?? positiveInteger(body.max_tokens, 'max_tokens')
    ?? options.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS;
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  const tools = hasTools ? toolsOf(body.tools, b) : undefined;
  const toolChoice = hasTools ? toolChoiceOf(body.tool_choice, body.parallel_tool_calls, b) : undefined;
  const userId = typeof body.user === 'string' && body.user.length > 0 ? body.user
    : typeof body.safety_identifier === 'string' && body.safety_identifier.length > 0 ? body.safety_identifier : undefined;
  const stop = stopOf(body.stop);
  const out: AnthropicRequest = {
    ...(typeof body.model === 'string' ? { model: body.model } : {}),
    max_tokens: maxTokens,
    ...(b.system.length > 0 ? { system: b.system } : {}),
    messages: b.messages(),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...(typeof body.top_k === 'number' ? { top_k: body.top_k } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
    ...(body.stream === true ? { stream: true } : {}),
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    ...(userId ? { metadata: { user_id: userId } } : {}),
  };
  return { body: out as unknown as JsonObject, dropped: b.dropped };
}
