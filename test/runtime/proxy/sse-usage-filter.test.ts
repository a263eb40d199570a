import { describe, expect, it } from 'vitest';
import { SseUsageFilter } from '../../../runtime/proxy/response/sse-usage-filter';

describe('SseUsageFilter', () => {

  it('joins events split across chunks, records usage and strips the usage-only chunk', () => {
    // GIVEN a filter that strips the usage chunk
    const filter = new SseUsageFilter(true);
    // WHEN events arrive split at odd places
    const text = 'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5}}\n\ndata: [DONE]\n\n';
    let out = '';
    for (let i = 0; i < text.length; i += 7) out += filter.push(text.slice(i, i + 7));
    out += filter.flush();
    // THEN everything but the usage chunk passes, and usage is known
    expect(out).toBe('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n');
    expect(filter.usage).toEqual({ promptTokens: 3, completionTokens: 5 });
    expect(filter.sawDone).toBe(true);
  });

  it('keeps a multi-byte character whole when a chunk boundary splits it', () => {
    // GIVEN an event with multi-byte UTF-8 text, cut in the middle of each character
    const filter = new SseUsageFilter(true);
    const bytes = Buffer.from('data: {"choices":[{"delta":{"content":"héllo 世界 🙂"}}]}\n\n', 'utf8');
    // WHEN it arrives one byte at a time
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += filter.push(bytes.subarray(i, i + 1));
    out += filter.flush();
    // THEN the client gets the same text, with no replacement characters
    expect(out).toBe(bytes.toString('utf8'));
    expect(out).not.toContain('\uFFFD');
  });

  it('keeps the usage chunk when the client asked for it', () => {
    const filter = new SseUsageFilter(false);
    const event = 'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\n';
    expect(filter.push(event)).toBe(event);
    expect(filter.usage).toEqual({ promptTokens: 1, completionTokens: 2 });
  });
});
