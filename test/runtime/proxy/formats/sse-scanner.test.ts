import { describe, expect, it } from 'vitest';
import { formatEvent, parseEvent, SseEventTooLarge, SseScanner } from '../../../../runtime/proxy/formats/sse-scanner';

describe('SseScanner', () => {
  it('splits events on LF, CRLF and CR blank lines, also when a terminator is split across chunks', () => {
    // GIVEN a scanner
    const scanner = new SseScanner(1024);
    // WHEN events arrive with every line ending, cut at awkward places
    const out = [
      ...scanner.push('data: a\n'),
      ...scanner.push('\nevent: x\r\ndata: b\r'),
      ...scanner.push('\n\r'),
      ...scanner.push('\ndata: c\r\rdata: d'),
    ];
    // THEN each whole event comes out once, byte for byte, with its fields
    expect(out.map((e) => e.raw)).toEqual(['data: a\n\n', 'event: x\r\ndata: b\r\n\r\n', 'data: c\r\r']);
    expect(out.map((e) => [e.event, e.data])).toEqual([[undefined, 'a'], ['x', 'b'], [undefined, 'c']]);
    // AND the unterminated rest comes out at the end
    expect(scanner.flush()?.data).toBe('d');
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    // GIVEN an event with a 4-byte character cut in the middle
    const bytes = Buffer.from('data: 🦊\n\n');
    const scanner = new SseScanner(1024);
    // WHEN it arrives in two pieces
    const out = [...scanner.push(bytes.subarray(0, 8)), ...scanner.push(bytes.subarray(8))];
    // THEN the character is intact
    expect(out[0].data).toBe('🦊');
  });

  it('scans each character about once however many chunks one big event arrives in', () => {
    // GIVEN a 1 MiB event arriving in 16-byte chunks (a rescan per chunk would be quadratic)
    const scanner = new SseScanner(2 * 1024 * 1024);
    const chunk = 'x'.repeat(16);
    scanner.push('data: ');
    const chunks = (1024 * 1024) / 16;
    // WHEN it is fed chunk by chunk, then terminated
    for (let i = 0; i < chunks; i++) expect(scanner.push(chunk)).toEqual([]);
    const done = scanner.push('\n\n');
    // THEN it comes out whole, and the characters scanned stay within the input plus a 3-character look-back per chunk
    expect(done[0].data.length).toBe(1024 * 1024);
    expect(scanner.scannedChars).toBeLessThanOrEqual(1024 * 1024 + 6 + 2 + 3 * (chunks + 2));
  });

  it('throws SseEventTooLarge when one event passes the cap without its blank line', () => {
    // GIVEN a scanner capped at 1 KiB
    const scanner = new SseScanner(1024);
    scanner.push('data: {"ok":1}\n\n');
    // WHEN an event grows past it
    const grow = (): unknown => scanner.push(`data: ${'y'.repeat(1100)}`);
    // THEN the scanner refuses it, naming the limit
    expect(grow).toThrow(SseEventTooLarge);
    expect(grow).toThrow(/exceeded 1024 bytes/);
  });

  it('parses fields as the SSE spec says and formats events back', () => {
    // GIVEN an event with a comment, two data lines and a field without a space
    const event = parseEvent(': keep-alive\nevent:message_start\ndata: {"a":\ndata:1}\n\n');
    // THEN comments are ignored and data lines join with a newline
    expect(event.event).toBe('message_start');
    expect(event.data).toBe('{"a":\n1}');
    expect(formatEvent({ event: 'e', data: 'x\ny' })).toBe('event: e\ndata: x\ndata: y\n\n');
    expect(formatEvent({ data: '[DONE]' })).toBe('data: [DONE]\n\n');
  });
});
