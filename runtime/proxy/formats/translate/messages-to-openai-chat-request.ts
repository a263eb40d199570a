import type { JsonObject, RequestRefusal, TranslatedRequest } from '../types';
import type { ChatContentPart, ChatMessage, ChatTool, ChatToolCall, ChatToolChoice } from './chat-completions-shapes';
import { FieldPolicy, FieldRefused, refuseInvalid as invalid } from './field-rules';
import { dataUrlOf } from './media-sources';
import { MESSAGES_TO_OPENAI_CHAT } from './messages-to-openai-chat-fields';
import { obj, type Json } from '../json-object';

const POLICY = new FieldPolicy(MESSAGES_TO_OPENAI_CHAT);

/** Block types a translator turns into something; any other type is `messages[].content[type=other]`. */
const KNOWN_BLOCKS = new Set(['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);

/** Notes the per-block fields that are dropped wherever a block appears. */
function checkBlockExtras(block: Json, path: string, dropped: string[]): void {
  if (block.cache_control !== undefined) POLICY.check('messages[].content[].cache_control', `${path}.cache_control`, block.cache_control, dropped);
  if (block.citations !== undefined) POLICY.check('messages[].content[].citations', `${path}.citations`, block.citations, dropped);
}

/** An image or document source → what Chat takes: a `data:` URL, or an http(s) URL for images. */
function sourceUrl(source: unknown, path: string, dropped: string[], allowUrl: boolean): { url: string; mediaType: string } | { text: string } {
  const s = obj(source);
  switch (s?.type) {
    case 'base64':
      if (typeof s.media_type !== 'string' || typeof s.data !== 'string') return invalid(path, 'a base64 source with media_type and data', s);
      return { url: dataUrlOf(s.media_type, s.data), mediaType: s.media_type };
    case 'url':
      if (typeof s.url !== 'string') return invalid(`${path}.url`, 'a string', s.url);
      if (!allowUrl) POLICY.check('messages[].content[].source.url', `${path}.url`, s.url, dropped);
      return { url: s.url, mediaType: '' };
    case 'text':
      if (typeof s.data !== 'string') return invalid(`${path}.data`, 'a string', s.data);
      return { text: s.data };
    case 'file':
      POLICY.check('messages[].content[].source.file_id', `${path}.file_id`, s.file_id, dropped);
      return invalid(path, 'an inline source', s);
    default:
      return invalid(`${path}.type`, 'base64, url, text or file', s?.type);
  }
}

/** A user-turn block other than a tool result → a Chat content part (undefined: nothing to send). */
function partOf(block: Json, path: string, dropped: string[]): ChatContentPart | undefined {
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') return invalid(`${path}.text`, 'a string', block.text);
      return { type: 'text', text: block.text };
    case 'image': {
      const source = sourceUrl(block.source, `${path}.source`, dropped, true);
      if ('text' in source) return invalid(`${path}.source.type`, 'base64 or url', 'text');
      return { type: 'image_url', image_url: { url: source.url } };
    }
    case 'document': {
      const source = sourceUrl(block.source, `${path}.source`, dropped, false);
      if ('text' in source) return { type: 'text', text: source.text };
      const filename = typeof block.title === 'string' ? block.title : 'document.pdf';
      return { type: 'file', file: { filename, file_data: source.url } };
    }
    case 'thinking':
      POLICY.check('messages[].content[type=thinking]', path, 'thinking', dropped);
      return undefined;
    case 'redacted_thinking':
      POLICY.check('messages[].content[type=redacted_thinking]', path, 'redacted_thinking', dropped);
      return undefined;
    default:
      POLICY.check('messages[].content[type=other]', `${path}.type`, block.type, dropped);
      return undefined;
  }
}

/** A tool result's content → a Chat tool message's content (text only). */
function toolResultContent(content: unknown, path: string, dropped: string[]): string | ChatContentPart[] {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return invalid(path, 'a string or a list of blocks', content);
  return content.flatMap((raw, k): ChatContentPart[] => {
    const block = obj(raw);
    const at = `${path}[${k}]`;
    if (!block) return invalid(at, 'a content block', raw);
    checkBlockExtras(block, at, dropped);
    if (block.type === 'image') {
      POLICY.check('messages[].content[].content[type=image]', at, 'image', dropped);
      return [];
    }
    if (block.type !== 'text' || typeof block.text !== 'string') return invalid(`${at}.type`, 'text', block.type);
    return [{ type: 'text', text: block.text }];
  });
}

function blocksOfTurn(content: unknown, path: string): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return invalid(path, 'a string or a list of content blocks', content);
  return content.map((raw, j) => obj(raw) ?? invalid(`${path}[${j}]`, 'a content block', raw));
}

function userTurn(content: unknown, path: string, dropped: string[]): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const toolMessages: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  blocksOfTurn(content, `${path}.content`).forEach((block, j) => {
    const at = `${path}.content[${j}]`;
    checkBlockExtras(block, at, dropped);
    if (block.type === 'tool_result') {
      if (typeof block.tool_use_id !== 'string') return invalid(`${at}.tool_use_id`, 'a string', block.tool_use_id);
      if (block.is_error !== undefined) POLICY.check('messages[].content[].is_error', `${at}.is_error`, block.is_error, dropped);
      toolMessages.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultContent(block.content, `${at}.content`, dropped) });
      return undefined;
    }
    if (block.type === 'tool_use') return invalid(`${at}.type`, 'a user block (tool_use belongs to assistant turns)', block.type);
    const part = partOf(block, at, dropped);
    if (part) parts.push(part);
    return undefined;
  });
  return parts.length > 0 ? [...toolMessages, { role: 'user', content: parts }] : toolMessages;
}

function assistantTurn(content: unknown, path: string, dropped: string[]): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const text: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  blocksOfTurn(content, `${path}.content`).forEach((block, j) => {
    const at = `${path}.content[${j}]`;
    checkBlockExtras(block, at, dropped);
    if (block.type === 'tool_use') {
      if (typeof block.id !== 'string') return invalid(`${at}.id`, 'a string', block.id);
      if (typeof block.name !== 'string') return invalid(`${at}.name`, 'a string', block.name);
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
      return undefined;
    }
    if (block.type === 'text') {
      if (typeof block.text !== 'string') return invalid(`${at}.text`, 'a string', block.text);
      text.push(block.text);
      return undefined;
    }
    if (!KNOWN_BLOCKS.has(String(block.type)) || block.type === 'thinking' || block.type === 'redacted_thinking') {
      partOf(block, at, dropped);
      return undefined;
    }
    return invalid(`${at}.type`, 'text, tool_use or thinking in an assistant turn', block.type);
  });
  return {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function systemMessages(system: unknown, dropped: string[]): ChatMessage[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return system.length > 0 ? [{ role: 'system', content: system }] : [];
  if (!Array.isArray(system)) return invalid('system', 'a string or a list of text blocks', system);
  return system.map((raw, k) => {
    const block = obj(raw);
    if (block?.type !== 'text' || typeof block.text !== 'string') return invalid(`system[${k}]`, 'a text block', raw);
    if (block.cache_control !== undefined) POLICY.check('system[].cache_control', `system[${k}].cache_control`, block.cache_control, dropped);
    return { role: 'system', content: block.text };
  });
}

function toolsOf(tools: unknown, dropped: string[]): ChatTool[] {
  if (!Array.isArray(tools)) return invalid('tools', 'a list', tools);
  return tools.map((raw, k) => {
    const tool = obj(raw);
    if (!tool) return invalid(`tools[${k}]`, 'a tool object', raw);
    if (tool.type !== undefined) POLICY.check('tools[].type', `tools[${k}].type`, tool.type, dropped);
    if (tool.cache_control !== undefined) POLICY.check('tools[].cache_control', `tools[${k}].cache_control`, tool.cache_control, dropped);
    if (typeof tool.name !== 'string') return invalid(`tools[${k}].name`, 'a string', tool.name);
    const description = typeof tool.description === 'string' ? { description: tool.description } : {};
    return { type: 'function', function: { name: tool.name, ...description, parameters: obj(tool.input_schema) ?? { type: 'object', properties: {} } } };
  });
}

function toolChoiceOf(choice: unknown): { tool_choice?: ChatToolChoice; parallel_tool_calls?: boolean } {
  if (choice === undefined || choice === null) return {};
  const c = obj(choice);
  const parallel = c?.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (c?.type) {
    case 'auto': return { tool_choice: 'auto', ...parallel };
    case 'any': return { tool_choice: 'required', ...parallel };
    case 'none': return { tool_choice: 'none' };
    case 'tool':
      if (typeof c.name !== 'string') return invalid('tool_choice.name', 'a string', c.name);
      return { tool_choice: { type: 'function', function: { name: c.name } }, ...parallel };
    default:
      return invalid('tool_choice.type', 'auto, any, tool or none', c?.type ?? choice);
  }
}

/**
 * Anthropic Messages request → Chat Completions request (`POST
 * {baseUrl}/chat/completions`), or a refusal naming the first field Chat
 * Completions cannot express without changing the answer. What becomes of
 * each field is the {@link MESSAGES_TO_OPENAI_CHAT} table (the README's
 * translation table).
 */
export function messagesToOpenAIChatRequest(body: JsonObject): TranslatedRequest | RequestRefusal {
  try {
    return { kind: 'translated', ...translate(body) };
  } catch (error) {
    if (error instanceof FieldRefused) return { kind: 'refused', field: error.field, message: error.message };
    throw error;
  }
}

function translate(body: JsonObject): { body: JsonObject; dropped: string[] } {
  const dropped: string[] = [];
  POLICY.checkTopLevel(body, dropped);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages', 'a non-empty list of messages', body.messages);
  const messages: ChatMessage[] = systemMessages(body.system, dropped);
  body.messages.forEach((raw, i) => {
    const path = `messages[${i}]`;
    const m = obj(raw);
    if (!m) return invalid(path, 'a message object', raw);
    if (m.role === 'user') messages.push(...userTurn(m.content, path, dropped));
    else if (m.role === 'assistant') messages.push(assistantTurn(m.content, path, dropped));
    else return invalid(`${path}.role`, 'user or assistant', m.role);
    return undefined;
  });
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return invalid('max_tokens', 'a positive integer', body.max_tokens);
  }
  if (body.stop_sequences !== undefined && !(Array.isArray(body.stop_sequences) && body.stop_sequences.every((s) => typeof s === 'string'))) {
    return invalid('stop_sequences', 'a list of strings', body.stop_sequences);
  }
  const stop = Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0 ? { stop: body.stop_sequences } : {};
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  const tools = hasTools ? { tools: toolsOf(body.tools, dropped), ...toolChoiceOf(body.tool_choice) } : {};
  const userId = obj(body.metadata)?.user_id;
  const out = {
    ...(typeof body.model === 'string' ? { model: body.model } : {}),
    messages,
    max_tokens: body.max_tokens,
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...stop,
    ...(body.stream === true ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...tools,
    ...(typeof userId === 'string' && userId.length > 0 ? { user: userId } : {}),
  };
  return { body: out as JsonObject, dropped };
}
