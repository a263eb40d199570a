import { randomBytes } from 'node:crypto';
import type { SseEvent, StreamTranslator } from '../types';
import { stopReasonOf } from './stop-reasons';
import { anthropicUsageOf } from './usage-mapping';
import { obj, type Json } from '../json-object';

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** One tool call of the answer being streamed. */
interface ToolCall {
  id: string;
  name: string;
  /** Its Anthropic content block index, once opened (a block opens when the call's name is known). */
  block?: number;
  /** Argument fragments that came before the name. */
  readonly pending: string[];
}

/**
 * Chat Completions stream → Anthropic Messages stream, event by event (one
 * per attempt). Index bookkeeping: Chat numbers tool calls (`tool_calls[].index`)
 * and sends each call's arguments as fragments under its index; Anthropic
 * numbers content blocks and opens one block at a time. The first chunk
 * opens the message (`message_start`); text opens a text block; a tool
 * call with a new index opens a `tool_use` block (the open block is closed
 * first) and every `function.arguments` fragment of that index becomes an
 * `input_json_delta` of that block. Providers that reuse one index for
 * several calls (sending a new `id` and `name`) get a new block per call;
 * a fragment without `index` continues the last call.
 *
 * The end (`[DONE]`, or `end()` when a provider omits it) closes the open
 * block and sends `message_delta` (stop reason, usage from the usage
 * chunk) and `message_stop`. Error chunks are the relay's (they translate
 * to nothing here).
 */
export class OpenAIChatToMessagesStream implements StreamTranslator {
  private started = false;
  private closed = false;
  private id = '';
  private model: string;
  private nextBlock = 0;
  private open: { readonly index: number; readonly kind: 'text' | 'tool' } | undefined;
  /** Chat tool-call index → the call it currently continues. */
  private readonly callsByIndex = new Map<number, ToolCall>();
  private readonly calls: ToolCall[] = [];
  private lastIndex: number | undefined;
  private finishReason: unknown;
  private refused = false;
  private usage: unknown;

  public constructor(ctx: { readonly model: string }) {
    this.model = ctx.model;
  }

  public push(upstream: SseEvent, json: unknown): readonly SseEvent[] {
    if (this.closed) return [];
    if (upstream.data.trim() === '[DONE]') return this.close();
    const chunk = obj(json);
    if (!chunk || chunk.error !== undefined) return [];
    const out: SseEvent[] = [];
    if (!this.started) out.push(this.messageStart(chunk));
    if (obj(chunk.usage)) this.usage = chunk.usage;
    const choices = Array.isArray(chunk.choices) ? chunk.choices.map(obj) : [];
    const choice = choices.find((c) => c !== undefined && (c.index ?? 0) === 0);
    const delta = obj(choice?.delta);
    if (nonEmpty(delta?.content)) out.push(...this.text(delta.content));
    if (nonEmpty(delta?.refusal)) {
      this.refused = true;
      out.push(...this.text(delta.refusal));
    }
    if (Array.isArray(delta?.tool_calls)) {
      for (const fragment of delta.tool_calls) out.push(...this.toolFragment(obj(fragment) ?? {}));
    }
    if (nonEmpty(choice?.finish_reason)) {
      this.finishReason = choice.finish_reason;
      out.push(...this.openNamelessCalls(), ...this.closeBlock());
    }
    return out;
  }

  public end(): readonly SseEvent[] {
    return this.started ? this.close() : [];
  }

  private messageStart(chunk: Json): SseEvent {
    this.started = true;
    this.id = nonEmpty(chunk.id) ? chunk.id : `msg_${randomBytes(12).toString('hex')}`;
    if (!this.model && nonEmpty(chunk.model)) this.model = chunk.model;
    const usage = anthropicUsageOf(chunk.usage);
    return event('message_start', {
      type: 'message_start',
      message: {
        id: this.id,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens },
      },
    });
  }

  private text(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.open?.kind !== 'text') {
      out.push(...this.closeBlock());
      this.open = { index: this.nextBlock++, kind: 'text' };
      out.push(event('content_block_start', { type: 'content_block_start', index: this.open.index, content_block: { type: 'text', text: '' } }));
    }
    out.push(event('content_block_delta', { type: 'content_block_delta', index: this.open.index, delta: { type: 'text_delta', text } }));
    return out;
  }

  private toolFragment(fragment: Json): SseEvent[] {
    const fn = obj(fragment.function);
    const index = typeof fragment.index === 'number' ? fragment.index : this.lastIndex ?? 0;
    this.lastIndex = index;
    let call = this.callsByIndex.get(index);
    // a new id with a name at an index already in use is a new call (providers that reuse index 0)
    if (!call || (nonEmpty(fragment.id) && nonEmpty(call.id) && fragment.id !== call.id && nonEmpty(fn?.name))) {
      call = { id: nonEmpty(fragment.id) ? fragment.id : '', name: '', pending: [] };
      this.callsByIndex.set(index, call);
      this.calls.push(call);
    }
    if (!call.id && nonEmpty(fragment.id)) call.id = fragment.id;
    if (call.block === undefined && nonEmpty(fn?.name)) call.name += fn.name;
    const out: SseEvent[] = [];
    if (call.block === undefined && call.name) out.push(...this.openCall(call));
    if (nonEmpty(fn?.arguments)) {
      if (call.block === undefined) call.pending.push(fn.arguments);
      else out.push(inputDelta(call.block, fn.arguments));
    }
    return out;
  }

  private openCall(call: ToolCall): SseEvent[] {
    const out = this.closeBlock();
    call.block = this.nextBlock++;
    this.open = { index: call.block, kind: 'tool' };
    if (!call.id) call.id = `toolu_${randomBytes(12).toString('hex')}`;
    out.push(event('content_block_start', {
      type: 'content_block_start', index: call.block, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
    }));
    if (call.pending.length > 0) out.push(inputDelta(call.block, call.pending.splice(0).join('')));
    return out;
  }

  /** Calls whose name never came: opened at the end so their arguments are not lost. */
  private openNamelessCalls(): SseEvent[] {
    return this.calls.filter((call) => call.block === undefined).flatMap((call) => this.openCall(call));
  }

  private closeBlock(): SseEvent[] {
    if (!this.open) return [];
    const index = this.open.index;
    this.open = undefined;
    return [event('content_block_stop', { type: 'content_block_stop', index })];
  }

  private close(): SseEvent[] {
    if (this.closed) return [];
    const out: SseEvent[] = this.started ? [] : [this.messageStart({})];
    out.push(...this.openNamelessCalls(), ...this.closeBlock());
    this.closed = true;
    out.push(
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: this.refused ? 'refusal' : stopReasonOf(this.finishReason), stop_sequence: null },
        usage: anthropicUsageOf(this.usage),
      }),
      event('message_stop', { type: 'message_stop' }),
    );
    return out;
  }
}

function event(type: string, payload: Json): SseEvent {
  return { event: type, data: JSON.stringify(payload) };
}

function inputDelta(index: number, partialJson: string): SseEvent {
  return event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partialJson } });
}
