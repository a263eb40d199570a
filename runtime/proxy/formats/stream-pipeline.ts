import { streamErrorEvent } from './error-shapes';
import { formatEvent, SseScanner, type ScannedEvent } from './sse-scanner';
import { eventJson, mayMatter, readEvent } from './stream-events';
import type { ClientApi, NormalizedUsage, StreamContext, StreamTranslator, Translator, WireShape } from './types';
import { StreamUsage } from './usage';

/** Options of {@link StreamPipeline}. */
export interface StreamPipelineOptions {
  /** The API the client speaks (the format of what the pipeline writes). */
  readonly client: ClientApi;
  /** The shape the upstream streams in. */
  readonly wire: WireShape;
  /** Set when `wire` is not the client's API. */
  readonly translator?: Translator;
  readonly context: StreamContext;
  /** Chat pass-through: drop the usage-only chunk (the proxy asked for usage, the client did not). */
  readonly stripUsage: boolean;
  /** Largest single event (`limits.maxStreamEventBytes`). */
  readonly maxEventBytes: number;
  /**
   * Removes the proxy's secrets from each event's client text (an upstream
   * that echoes its key inside a stream); absent when no secret is configured.
   */
  readonly redactor?: EventRedactor;
}

/** What {@link StreamPipeline} needs of a secret redactor (the proxy's SecretRedactor). */
export interface EventRedactor {
  redactText(text: string): { readonly text: string; readonly count: number };
}

/**
 * One upstream stream on its way to a client: whole events out of the bytes
 * (incrementally, size-capped: see {@link SseScanner}), each read for what
 * the relay needs (content flowed yet, the end, usage, an error event, the
 * Responses id), then passed through byte for byte or, when the upstream
 * speaks another format, translated event by event. Pure: no I/O, no clock.
 *
 * Once content flowed, plain content events are passed through without a
 * JSON parse (see {@link mayMatter}).
 */
export class StreamPipeline {
  private readonly scanner: SseScanner;
  private readonly usageSeen: StreamUsage;
  private readonly translation: StreamTranslator | undefined;
  private content = false;
  private ended = false;
  private events = 0;
  private errorMessage: string | undefined;
  private id: string | undefined;
  private sequence = -1;
  private redacted = 0;

  public constructor(private readonly options: StreamPipelineOptions) {
    this.scanner = new SseScanner(options.maxEventBytes);
    this.usageSeen = new StreamUsage(options.wire);
    this.translation = options.translator?.stream(options.context);
  }

  /** True once an event with content (or the end of the answer) was read. */
  public get contentSeen(): boolean {
    return this.content;
  }

  /** True once the stream's terminal event was read (`[DONE]`, `response.completed`, `message_stop`). */
  public get terminal(): boolean {
    return this.ended;
  }

  /** Upstream events read so far. */
  public get eventsRead(): number {
    return this.events;
  }

  /** The upstream's message when it sent an error event inside the stream. */
  public get upstreamError(): string | undefined {
    return this.errorMessage;
  }

  /** Responses: the id of the response the upstream is creating. */
  public get responseId(): string | undefined {
    return this.id;
  }

  /** Secrets removed from the client's text so far. */
  public get redactions(): number {
    return this.redacted;
  }

  /** The usage the stream reported so far. */
  public get usage(): NormalizedUsage | undefined {
    return this.usageSeen.value;
  }

  /**
   * Feeds upstream bytes; returns the client's text for the events they
   * completed. Throws `SseEventTooLarge` when one event passes the cap.
   */
  public push(chunk: Buffer | string): string {
    let out = '';
    for (const event of this.scanner.push(chunk)) out += this.redact(this.handle(event));
    return out;
  }

  /** The upstream ended: the unterminated remainder, and the translator's closing events after a clean end. */
  public finish(): string {
    const last = this.scanner.flush();
    let out = last ? this.redact(this.handle(last)) : '';
    if (this.translation && this.ended && this.errorMessage === undefined) out += this.redact(this.translation.end().map(formatEvent).join(''));
    return out;
  }

  /**
   * One event's client text without the proxy's secrets. The scanner hands
   * over whole events, so a secret split across upstream chunks is whole here.
   */
  private redact(text: string): string {
    const redactor = this.options.redactor;
    if (redactor === undefined || text.length === 0) return text;
    const redacted = redactor.redactText(text);
    this.redacted += redacted.count;
    return redacted.text;
  }

  /** The event that ends this stream after a failure, in the client's format. */
  public errorFrame(code: string, message: string): string {
    return formatEvent(streamErrorEvent(this.options.client, code, message, this.sequence + 1));
  }

  private handle(event: ScannedEvent): string {
    this.events += 1;
    const { wire, stripUsage } = this.options;
    if (this.content && !this.translation && !mayMatter(wire, event)) return event.raw;
    const json = eventJson(event);
    const reading = readEvent(wire, event, json);
    if (reading.usage !== undefined) this.usageSeen.add(reading.usage);
    if (reading.responseId !== undefined) this.id = reading.responseId;
    const sequence = (json as { sequence_number?: unknown } | undefined)?.sequence_number;
    if (typeof sequence === 'number') this.sequence = sequence;
    if (reading.role === 'error') {
      this.errorMessage = reading.errorMessage ?? 'the upstream sent an error event';
      // a translated stream gets the error in the client's own format; a native one as the upstream sent it
      return this.translation ? this.errorFrame('upstream_stream_error', this.errorMessage) : event.raw;
    }
    if (reading.role === 'content' || reading.role === 'end') this.content = true;
    if (reading.terminal) this.ended = true;
    if (this.translation) return this.translation.push(event, json).map(formatEvent).join('');
    if (stripUsage && reading.usageOnly) return '';
    return event.raw;
  }
}
