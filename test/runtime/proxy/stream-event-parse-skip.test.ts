import { describe, expect, it } from 'vitest';
import { mayMatter } from '../../../runtime/proxy/formats/stream-events';
import { StreamPipeline } from '../../../runtime/proxy/formats/stream-pipeline';

const event = (data: string): { data: string; raw: string } => ({ data, raw: `data: ${data}\n\n` });

describe('which chat stream events are parsed once content flowed', () => {
  it('skips content chunks that carry "usage":null or "error":null, as OpenAI and compatible servers send them', () => {
    // GIVEN content chunks with null usage / error, spaced or not
    const chunks = [
      '{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"usage":null}',
      '{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"usage" : null,"error":null}',
    ];
    // WHEN / THEN: none needs a parse
    for (const data of chunks) expect(mayMatter('chat', event(data))).toBe(false);
  });

  it('parses every chunk whose usage or error has a value, whatever the spacing (line breaks of a multi-line data field included)', () => {
    const chunks = [
      '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}',
      '{"choices":[],"usage" :\n {"prompt_tokens":3}}',
      '{"error":{"message":"overloaded"}}',
      '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
      '[DONE]',
    ];
    for (const data of chunks) expect(mayMatter('chat', event(data))).toBe(true);
  });

  it('still reads the usage of a stream whose content chunks all carry "usage":null', () => {
    // GIVEN a pass-through chat stream in OpenAI's include_usage form
    const pipeline = new StreamPipeline({ client: 'chat', wire: 'chat', context: { model: 'gpt-4.1', includeUsage: true }, stripUsage: false, maxEventBytes: 1024 * 1024 });
    const frames = [
      '{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}',
      '{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}],"usage":null}',
      '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
      '{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":1,"total_tokens":8}}',
      '[DONE]',
    ];
    // WHEN every frame goes through
    const out = frames.map((f) => pipeline.push(`data: ${f}\n\n`)).join('');
    // THEN the text is passed through unchanged and the usage is the usage chunk's
    expect(out).toBe(frames.map((f) => `data: ${f}\n\n`).join(''));
    expect(pipeline.usage).toMatchObject({ inputTokens: 7, outputTokens: 1 });
    expect(pipeline.terminal).toBe(true);
  });
});
