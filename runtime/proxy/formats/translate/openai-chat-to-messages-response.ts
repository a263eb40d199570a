import type { JsonObject } from '../types';
import type { AnthropicContentBlock, AnthropicResponse } from './anthropic-messages-shapes';
import { stopReasonOf } from './stop-reasons';
import { anthropicUsageOf } from './usage-mapping';
import { obj } from '../json-object';

/** Thrown when an upstream answer cannot be put in the client's shape (the upstream's fault: a 502, worth failing over). */
export class UntranslatableAnswer extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UntranslatableAnswer';
  }
}

/** A tool call's `arguments` text → the object Anthropic's `input` holds. */
export function parseToolArguments(args: unknown, where: string): unknown {
  if (args === undefined || args === null || args === '') return {};
  if (typeof args !== 'string') throw new UntranslatableAnswer(`${where} is not a JSON text`);
  try {
    const parsed: unknown = JSON.parse(args);
    if (obj(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new UntranslatableAnswer(`${where} is not a JSON object: ${args.length > 60 ? `${args.slice(0, 57)}...` : args}`);
}

/**
 * Chat Completions answer → Anthropic Messages answer: the first choice's
 * content (and refusal) as a text block, its tool calls as `tool_use`
 * blocks (arguments parsed into `input`; arguments that are not a JSON
 * object throw {@link UntranslatableAnswer}), `finish_reason` as
 * `stop_reason`, usage with the cached tokens moved out of `input_tokens`.
 */
export function openAIChatToMessagesResponse(body: JsonObject, ctx: { readonly model: string }): JsonObject {
  const choice = obj(Array.isArray(body.choices) ? body.choices[0] : undefined);
  const message = obj(choice?.message);
  const content: AnthropicContentBlock[] = [];
  if (typeof message?.content === 'string' && message.content.length > 0) content.push({ type: 'text', text: message.content });
  const refusal = typeof message?.refusal === 'string' && message.refusal.length > 0 ? message.refusal : undefined;
  if (refusal) content.push({ type: 'text', text: refusal });
  const calls = Array.isArray(message?.tool_calls) ? message.tool_calls : [];
  calls.forEach((raw, k) => {
    const call = obj(raw);
    const fn = obj(call?.function);
    content.push({
      type: 'tool_use',
      id: typeof call?.id === 'string' ? call.id : `toolu_${k}`,
      name: typeof fn?.name === 'string' ? fn.name : '',
      input: parseToolArguments(fn?.arguments, `the upstream's tool call ${k} arguments`),
    });
  });
  const answer: AnthropicResponse = {
    id: typeof body.id === 'string' ? body.id : '',
    type: 'message',
    role: 'assistant',
    model: ctx.model || (typeof body.model === 'string' ? body.model : ''),
    content,
    stop_reason: refusal ? 'refusal' : stopReasonOf(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsageOf(body.usage),
  };
  return answer as unknown as JsonObject;
}
