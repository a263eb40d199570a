import { obj } from './json-object';
import type { SseEvent, WireShape } from './types';

/**
 * What one upstream stream event means for the relay:
 * - `lifecycle`: carries no content (a role-only chunk, `response.created`,
 *   `message_start`, `ping`, an empty text block opening): held back while no
 *   content flowed, so a failure right after it can still fail over;
 * - `content`: text, a tool call (its name or argument delta), a refusal, reasoning;
 * - `end`: the end of the answer (`finish_reason`, `[DONE]`, `response.completed`,
 *   `message_delta` with a stop reason, `message_stop`); counts as content;
 * - `error`: an error event inside a 200 stream (`error`, `response.failed`,
 *   a chunk with `error`).
 */
export type EventRole = 'lifecycle' | 'content' | 'end' | 'error';

/** The reading of one upstream event. */
export interface EventReading {
  readonly role: EventRole;
  /** The `usage` object the event carries, if any (raw, in the shape's dialect). */
  readonly usage?: unknown;
  /** Chat: a usage-only chunk (`choices: []`), dropped when the proxy asked for usage on the client's behalf. */
  readonly usageOnly?: boolean;
  /** The stream's terminal event went through (`[DONE]`, `response.completed`/`incomplete`, `message_stop`). */
  readonly terminal?: boolean;
  /** Responses: the id of the response being created (`response.created`). */
  readonly responseId?: string;
  /** Error events: the provider's message, for the log and the failover reason. */
  readonly errorMessage?: string;
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' ? value.length > 0 : value !== undefined && value !== null;
}

function messageOf(value: unknown): string | undefined {
  const error = obj(obj(value)?.error) ?? obj(value);
  const message = error?.message;
  return typeof message === 'string' ? message.slice(0, 300) : undefined;
}

/** Parses an event's data as JSON (undefined when it is not JSON). */
export function eventJson(event: SseEvent): unknown {
  if (event.data.length === 0 || event.data === '[DONE]') return undefined;
  try {
    return JSON.parse(event.data) as unknown;
  } catch {
    return undefined;
  }
}

/** Chat Completions and legacy Completions chunks. */
function readOpenAIChunk(shape: 'chat' | 'completions', event: SseEvent, json: unknown): EventReading {
  if (event.data.trim() === '[DONE]') return { role: 'end', terminal: true };
  const chunk = obj(json);
  if (!chunk) return { role: 'lifecycle' };
  // `"error": null` (some compatible servers send it on every chunk) is no error
  if ((chunk.error !== undefined && chunk.error !== null) || event.event === 'error') return { role: 'error', errorMessage: messageOf(chunk) };
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const usage = chunk.usage ?? undefined;
  if (choices.length === 0) return { role: 'lifecycle', usage, usageOnly: usage !== undefined };
  let role: EventRole = 'lifecycle';
  for (const raw of choices) {
    const choice = obj(raw);
    if (!choice) continue;
    if (nonEmpty(choice.finish_reason)) return { role: 'end', usage };
    if (shape === 'completions') {
      if (nonEmpty(choice.text)) role = 'content';
      continue;
    }
    const delta = obj(choice.delta);
    if (!delta) continue;
    const toolCalls = Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0;
    if (nonEmpty(delta.content) || nonEmpty(delta.refusal) || toolCalls || nonEmpty(delta.function_call)
      || nonEmpty(delta.reasoning_content) || nonEmpty(delta.reasoning) || (Array.isArray(delta.audio) && delta.audio.length > 0)) {
      role = 'content';
    }
  }
  return { role, usage };
}

/** Responses events that open something without content. */
const RESPONSES_LIFECYCLE = new Set([
  'response.created', 'response.in_progress', 'response.queued', 'response.content_part.added',
]);

/** Responses API typed events. */
function readResponsesEvent(event: SseEvent, json: unknown): EventReading {
  const data = obj(json);
  const type = typeof data?.type === 'string' ? data.type : event.event ?? '';
  if (type === 'error' || (type === '' && data?.error !== undefined && data.error !== null)) return { role: 'error', errorMessage: messageOf(data) };
  if (type === 'response.failed') {
    return { role: 'error', errorMessage: messageOf(obj(data?.response)?.error) ?? 'response.failed', usage: obj(data?.response)?.usage ?? undefined };
  }
  if (type === 'response.completed' || type === 'response.incomplete') {
    return { role: 'end', terminal: true, usage: obj(data?.response)?.usage ?? undefined };
  }
  if (type === 'response.created') {
    const id = obj(data?.response)?.id;
    return { role: 'lifecycle', responseId: typeof id === 'string' ? id : undefined };
  }
  if (RESPONSES_LIFECYCLE.has(type)) return { role: 'lifecycle' };
  if (type === 'response.output_item.added') {
    // a message or reasoning item opening is not content yet; a tool call carries its name
    const itemType = obj(data?.item)?.type;
    return { role: itemType === 'message' || itemType === 'reasoning' ? 'lifecycle' : 'content' };
  }
  if (type.endsWith('.delta')) return { role: nonEmpty(data?.delta) ? 'content' : 'lifecycle' };
  // *.done events repeat what deltas sent; anything else unknown counts as content (never held forever)
  return { role: type.startsWith('response.') ? 'content' : 'lifecycle' };
}

/** Anthropic Messages stream events. */
function readMessagesEvent(event: SseEvent, json: unknown): EventReading {
  const data = obj(json);
  const type = typeof data?.type === 'string' ? data.type : event.event ?? '';
  switch (type) {
    case 'error':
      return { role: 'error', errorMessage: messageOf(data) };
    case 'message_start':
      return { role: 'lifecycle', usage: obj(obj(data?.message)?.usage) };
    case 'ping':
      return { role: 'lifecycle' };
    case 'content_block_start': {
      const block = obj(data?.content_block);
      // an opening text/thinking block is empty; a tool_use block carries the tool's name
      if (block?.type === 'text') return { role: nonEmpty(block.text) ? 'content' : 'lifecycle' };
      if (block?.type === 'thinking') return { role: nonEmpty(block.thinking) ? 'content' : 'lifecycle' };
      return { role: 'content' };
    }
    case 'content_block_delta': {
      const delta = obj(data?.delta);
      const value = delta?.text ?? delta?.partial_json ?? delta?.thinking ?? delta?.signature ?? delta?.citation;
      return { role: nonEmpty(value) ? 'content' : 'lifecycle' };
    }
    case 'content_block_stop':
      return { role: 'lifecycle' };
    case 'message_delta':
      return { role: nonEmpty(obj(data?.delta)?.stop_reason) ? 'end' : 'lifecycle', usage: obj(data?.usage) };
    case 'message_stop':
      return { role: 'end', terminal: true };
    default:
      return { role: 'lifecycle' };
  }
}

/** Reads one upstream event of a wire shape (`json`: its parsed data, see {@link eventJson}). */
export function readEvent(shape: WireShape, event: SseEvent, json: unknown): EventReading {
  if (shape === 'responses') return readResponsesEvent(event, json);
  if (shape === 'messages') return readMessagesEvent(event, json);
  return readOpenAIChunk(shape === 'completions' ? 'completions' : 'chat', event, json);
}

/**
 * Cheap test for a pass-through relay once content flowed: true when the
 * event may matter beyond being relayed (usage, the end, an error, a
 * response id), so only those are parsed; plain content deltas are not.
 */
export function mayMatter(shape: WireShape, event: SseEvent): boolean {
  const data = event.data;
  if (shape === 'responses') {
    return event.event === undefined || !event.event.endsWith('.delta');
  }
  if (shape === 'messages') {
    return event.event !== 'content_block_delta' && event.event !== 'ping';
  }
  return data.includes('[DONE]') || hasValue(data, '"usage"') || hasValue(data, '"error"') || data.includes('"finish_reason":"');
}

/**
 * True when the JSON text has the key (quoted) with a value other than
 * `null`: OpenAI sends `"usage":null` on every chunk of a stream that asked
 * for usage, and some compatible servers `"error":null`; those chunks need
 * no parse. A false positive (the key inside a nested object) only costs a
 * parse.
 */
function hasValue(data: string, quotedKey: string): boolean {
  for (let at = data.indexOf(quotedKey); at >= 0; at = data.indexOf(quotedKey, at + quotedKey.length)) {
    let i = at + quotedKey.length;
    while (isJsonSpace(data.charCodeAt(i))) i += 1;
    if (data.charCodeAt(i) !== 0x3a) continue; // not a key: no ':' after it
    i += 1;
    while (isJsonSpace(data.charCodeAt(i))) i += 1;
    if (!data.startsWith('null', i)) return true;
  }
  return false;
}

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
