import { StringDecoder } from 'node:string_decoder';
import type { SseEvent } from './types';

/** One whole event as it came from the upstream: its parsed fields and its exact text (terminator included). */
export interface ScannedEvent extends SseEvent {
  /** The event's text byte for byte, blank-line terminator included (what a pass-through relay writes). */
  readonly raw: string;
}

/** Thrown by {@link SseScanner.push} when one event grows past the cap without its blank line. */
export class SseEventTooLarge extends Error {
  public constructor(public readonly limitBytes: number, public readonly receivedBytes: number) {
    super(`an upstream stream event exceeded ${limitBytes} bytes (received ${receivedBytes} bytes without an event terminator)`);
    this.name = 'SseEventTooLarge';
  }
}

/** An event terminator: a blank line after LF, CRLF or CR line ends. */
const TERMINATOR = /\r\n\r\n|\n\n|\r\r|\n\r\n|\r\n\n/g;
/** Longest terminator minus one: what of the previous text a new chunk's scan must look back at. */
const LOOKBACK = 3;

/**
 * Splits an SSE byte stream into whole events incrementally: each chunk is
 * scanned once (plus a 3-character look-back for a terminator split across
 * chunks), and the text of an unfinished event is kept as a list of pieces
 * joined once when it completes, so the work is linear in the bytes
 * received whatever the event sizes. An event growing past `maxEventBytes`
 * throws {@link SseEventTooLarge} (the relay ends the stream with an error
 * frame). UTF-8 characters split across chunks stay whole.
 */
export class SseScanner {
  private readonly decoder = new StringDecoder('utf8');
  private pieces: string[] = [];
  private pendingBytes = 0;
  private scanned = 0;

  public constructor(private readonly maxEventBytes: number) {}

  /** Characters scanned for terminators so far (linear in the input: each character once, plus the look-back). */
  public get scannedChars(): number {
    return this.scanned;
  }

  /** Bytes of the unfinished event held now. */
  public get heldBytes(): number {
    return this.pendingBytes;
  }

  /** Feeds upstream bytes; returns the events completed by them, in order. */
  public push(chunk: Buffer | string): ScannedEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.length === 0) return [];
    const out: ScannedEvent[] = [];
    let rest = text;
    for (;;) {
      const tail = this.tail();
      const probe = tail + rest;
      this.scanned += probe.length;
      TERMINATOR.lastIndex = 0;
      const match = TERMINATOR.exec(probe);
      if (!match) {
        this.pieces.push(rest);
        this.pendingBytes += Buffer.byteLength(rest);
        if (this.pendingBytes > this.maxEventBytes) {
          const received = this.pendingBytes;
          this.pieces = [];
          this.pendingBytes = 0;
          throw new SseEventTooLarge(this.maxEventBytes, received);
        }
        return out;
      }
      const end = match.index + match[0].length - tail.length;
      this.pieces.push(rest.slice(0, end));
      const raw = this.pieces.join('');
      this.pieces = [];
      this.pendingBytes = 0;
      out.push(parseEvent(raw));
      rest = rest.slice(end);
      if (rest.length === 0) return out;
    }
  }

  /** The unterminated text left when the upstream ends, as an event (or undefined when nothing is left). */
  public flush(): ScannedEvent | undefined {
    const raw = this.pieces.join('') + this.decoder.end();
    this.pieces = [];
    this.pendingBytes = 0;
    return raw.trim().length > 0 ? parseEvent(raw) : undefined;
  }

  /** The last characters of the unfinished event, for a terminator split across chunks. */
  private tail(): string {
    if (this.pieces.length === 0) return '';
    let tail = '';
    for (let i = this.pieces.length - 1; i >= 0 && tail.length < LOOKBACK; i--) tail = this.pieces[i] + tail;
    return tail.slice(-LOOKBACK);
  }
}

/** Parses one event's text into its `event:` name and `data:` lines (joined by `\n`); comments are ignored. */
export function parseEvent(raw: string): ScannedEvent {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line.length === 0 || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return event === undefined ? { data: data.join('\n'), raw } : { event, data: data.join('\n'), raw };
}

/** The wire text of an event: `event:` line when named, one `data:` line per line of data, a blank line. */
export function formatEvent(event: SseEvent): string {
  const name = event.event === undefined ? '' : `event: ${event.event}\n`;
  return `${name}${event.data.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`;
}
