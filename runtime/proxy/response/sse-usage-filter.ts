import { StringDecoder } from 'node:string_decoder';
import { tokenUsageOf } from './token-usage';
import type { TokenUsage } from '../../events';
import { openAIErrorBody } from '../../http/openai-error';

/**
 * Splits an upstream SSE byte stream into whole events, notes the `usage`
 * the upstream reports, and drops the usage-only chunk (`choices: []`) when
 * the proxy asked for it on the client's behalf. Everything else passes
 * through byte for byte, one whole event at a time.
 */
export class SseUsageFilter {
  private pending = '';
  /** Keeps a multi-byte UTF-8 character split across two chunks whole. */
  private readonly decoder = new StringDecoder('utf8');
  private seenUsage: TokenUsage | undefined;
  private done = false;

  public constructor(private readonly stripUsageChunk: boolean) {}

  /** Usage reported by the stream so far (the last one wins). */
  public get usage(): TokenUsage | undefined {
    return this.seenUsage;
  }

  /** True once `data: [DONE]` went through. */
  public get sawDone(): boolean {
    return this.done;
  }

  /** The stream ended as OpenAI streams end (`data: [DONE]`). */
  public get ended(): boolean {
    return this.done;
  }

  /** Feeds upstream bytes; returns the text to send to the client now (maybe empty). */
  public push(chunk: Buffer | string): string {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let out = '';
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.pending);
      if (!match) break;
      const end = match.index + match[0].length;
      const event = this.pending.slice(0, end);
      this.pending = this.pending.slice(end);
      out += this.filterEvent(event);
    }
    return out;
  }

  /** Whatever is left when the upstream ends (an unterminated last event). */
  public flush(): string {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest.length > 0 ? this.filterEvent(rest) : '';
  }

  private filterEvent(event: string): string {
    // fast path: most events are content deltas, neither the end nor a usage report
    if (!event.includes('[DONE]') && !event.includes('"usage"')) return event;
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data === '[DONE]') {
      this.done = true;
      return event;
    }
    if (!data.includes('"usage"')) return event;
    try {
      const parsed = JSON.parse(data) as { usage?: unknown; choices?: unknown[] } | null;
      const usage = tokenUsageOf(parsed?.usage);
      if (usage) {
        this.seenUsage = usage;
        if (this.stripUsageChunk && Array.isArray(parsed?.choices) && parsed.choices.length === 0) {
          return '';
        }
      }
    } catch {
      // not JSON: pass it through untouched
    }
    return event;
  }
}

/** The SSE event that ends a stream that broke after output started (never a clean end). */
export function sseErrorEvent(code: string, message: string): string {
  // One format for every stream error: a data-only event whose JSON has `error`.
  // The openai SDK throws an APIError on `data.error`; clients that only
  // listen to unnamed (`message`) events see it too, unlike `event: error`.
  return `data: ${JSON.stringify(openAIErrorBody(502, code, message))}\n\n`;
}
