import type { JsonObject } from '../types';
import type { ChatCompletion, ChatToolCall } from './chat-completions-shapes';
import { finishReasonOf } from './stop-reasons';
import { chatUsageOf } from './usage-mapping';
import { obj } from '../json-object';

/** What a translated answer says that the upstream's answer does not. */
export interface AnswerContext {
  /** The model the client asked for (echoed); the upstream's model name when empty. */
  readonly model: string;
  /** Unix seconds of the answer (Chat's `created`). */
  readonly created: number;
}

/**
 * Anthropic Messages answer → Chat Completions answer: text blocks joined
 * into `message.content`, `tool_use` blocks as `tool_calls` (their `input`
 * serialized as `arguments`), `stop_reason` as `finish_reason`, usage with
 * the cache counts folded into `prompt_tokens`. Thinking and server-tool
 * blocks have no Chat equivalent and are left out.
 */
export function anthropicToChatResponse(body: JsonObject, ctx: AnswerContext): JsonObject {
  const blocks = Array.isArray(body.content) ? body.content.map(obj) : [];
  const text: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of blocks) {
    if (block?.type === 'text' && typeof block.text === 'string') text.push(block.text);
    if (block?.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id ?? ''),
        type: 'function',
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const answer: ChatCompletion = {
    id: typeof body.id === 'string' ? body.id : '',
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model || (typeof body.model === 'string' ? body.model : ''),
    choices: [{
      index: 0,
      message: {
        role: 'assistant',
        content: text.length > 0 ? text.join('') : toolCalls.length > 0 ? null : '',
        refusal: null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      logprobs: null,
      finish_reason: finishReasonOf(body.stop_reason),
    }],
    usage: chatUsageOf(body.usage),
  };
  return answer as unknown as JsonObject;
}
