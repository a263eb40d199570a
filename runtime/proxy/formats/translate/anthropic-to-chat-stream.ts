import type { SseEvent, StreamTranslator } from '../types';
import type { AnswerContext } from './anthropic-to-chat-response';
import type { ChatCompletionChunk, ChatFinishReason } from './chat-completions-shapes';
import { finishReasonOf } from './stop-reasons';
import { chatUsageOf } from './usage-mapping';
import { obj, type Json } from '../json-object';

/** What the Anthropic → Chat stream translation needs to know. */
export interface ChatStreamContext extends AnswerContext {
  /** The client asked for `stream_options.include_usage`: end with the usage chunk. */
  readonly includeUsage: boolean;
}

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * Anthropic Messages stream → Chat Completions stream, event by event (one
 * per attempt). Index bookkeeping: Anthropic numbers every content block
 * (text, thinking, tool_use) of the answer; Chat numbers tool calls only.
 * The n-th `tool_use` block becomes tool call `index` n, and each of its
 * `input_json_delta` fragments goes out as a `function.arguments` delta
 * with that same index, whatever blocks came between.
 *
 * `message_start` → a role chunk; `text_delta` → `delta.content`;
 * `message_delta` → the `finish_reason` chunk; `message_stop` → the usage
 * chunk when the client asked for it. `end()` sends `data: [DONE]`. Error
 * events are the relay's (they translate to nothing here).
 */
export class AnthropicToChatStream implements StreamTranslator {
  private id = '';
  private model: string;
  /** Anthropic block index → Chat tool-call index, for tool_use blocks. */
  private readonly toolIndexOfBlock = new Map<number, number>();
  private usage: Json = {};
  private usageSent = false;
  private done = false;

  public constructor(private readonly ctx: ChatStreamContext) {
    this.model = ctx.model;
  }

  public push(event: SseEvent, json: unknown): readonly SseEvent[] {
    const data = obj(json);
    if (!data || this.done) return [];
    switch (data.type ?? event.event) {
      case 'message_start': {
        const message = obj(data.message);
        this.id = typeof message?.id === 'string' ? message.id : this.id;
        if (!this.model && typeof message?.model === 'string') this.model = message.model;
        this.addUsage(message?.usage);
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start':
        return this.blockStart(Number(data.index), obj(data.content_block));
      case 'content_block_delta':
        return this.blockDelta(Number(data.index), obj(data.delta));
      case 'message_delta':
        this.addUsage(data.usage);
        return [this.chunk({}, finishReasonOf(obj(data.delta)?.stop_reason))];
      case 'message_stop':
        return this.usageChunk();
      default:
        // ping, content_block_stop, error (the relay's), unknown events
        return [];
    }
  }

  public end(): readonly SseEvent[] {
    if (this.done) return [];
    const out = [...this.usageChunk(), { data: '[DONE]' }];
    this.done = true;
    return out;
  }

  private blockStart(index: number, block: Json | undefined): SseEvent[] {
    if (block?.type === 'text') {
      return typeof block.text === 'string' && block.text.length > 0 ? [this.chunk({ content: block.text })] : [];
    }
    if (block?.type !== 'tool_use') return [];
    const toolIndex = this.toolIndexOfBlock.size;
    this.toolIndexOfBlock.set(index, toolIndex);
    // the real API opens with `input: {}` and streams the JSON; some compatible servers send it whole here
    const input = obj(block.input);
    const args = input && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
    return [this.chunk({
      tool_calls: [{ index: toolIndex, id: String(block.id ?? ''), type: 'function', function: { name: String(block.name ?? ''), arguments: args } }],
    })];
  }

  private blockDelta(index: number, delta: Json | undefined): SseEvent[] {
    if (delta?.type === 'text_delta' && typeof delta.text === 'string' && delta.text.length > 0) {
      return [this.chunk({ content: delta.text })];
    }
    if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json.length > 0) {
      const toolIndex = this.toolIndexOfBlock.get(index);
      if (toolIndex === undefined) return [];
      return [this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] })];
    }
    // thinking_delta, signature_delta, citations_delta: no Chat equivalent
    return [];
  }

  private addUsage(usage: unknown): void {
    const counts = obj(usage);
    if (!counts) return;
    for (const [name, value] of Object.entries(counts)) {
      if (value !== null && value !== undefined) this.usage[name] = value;
    }
  }

  private usageChunk(): SseEvent[] {
    if (!this.ctx.includeUsage || this.usageSent) return [];
    this.usageSent = true;
    const chunk: ChatCompletionChunk = {
      id: this.id, object: 'chat.completion.chunk', created: this.ctx.created, model: this.model, choices: [], usage: chatUsageOf(this.usage),
    };
    return [{ data: JSON.stringify(chunk) }];
  }

  private chunk(delta: Delta, finishReason: ChatFinishReason | null = null): SseEvent {
    const chunk: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.ctx.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    return { data: JSON.stringify(chunk) };
  }
}
