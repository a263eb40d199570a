import { describe, expect, it } from 'vitest';
import { SseEventTooLarge } from '../../../../runtime/proxy/formats/sse-scanner';
import { StreamPipeline } from '../../../../runtime/proxy/formats/stream-pipeline';
import type { ClientApi, Translator, WireShape } from '../../../../runtime/proxy/formats/types';

const sse = (event: string | undefined, data: unknown): string => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function pipeline(client: ClientApi, wire: WireShape = client, extra: { stripUsage?: boolean; translator?: Translator } = {}): StreamPipeline {
  return new StreamPipeline({ client, wire, context: { model: 'm', includeUsage: false }, stripUsage: extra.stripUsage ?? false, maxEventBytes: 64 * 1024, translator: extra.translator });
}

describe('StreamPipeline reads what the relay needs from each format', () => {
  it('chat: a role-only chunk is not content; a content delta, a tool call or a finish reason is', () => {
    // GIVEN chat streams
    const role = pipeline('chat');
    // WHEN only the role-only first chunk arrived
    role.push(sse(undefined, { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
    // THEN no content flowed yet
    expect(role.contentSeen).toBe(false);
    // AND each kind of content counts
    for (const delta of [{ content: 'Hi' }, { tool_calls: [{ index: 0, function: { arguments: '{' } }] }, { refusal: 'no' }]) {
      const p = pipeline('chat');
      p.push(sse(undefined, { choices: [{ index: 0, delta, finish_reason: null }] }));
      expect(p.contentSeen).toBe(true);
    }
    const finish = pipeline('chat');
    finish.push(sse(undefined, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    expect(finish.contentSeen).toBe(true);
  });

  it('chat: notes usage and [DONE], and drops the usage-only chunk the proxy asked for', () => {
    // GIVEN a chat stream whose usage the client did not ask for
    const p = pipeline('chat', 'chat', { stripUsage: true });
    // WHEN content, the usage chunk and [DONE] arrive
    const out = p.push(sse(undefined, { choices: [{ index: 0, delta: { content: 'Hi' } }] })
      + sse(undefined, { choices: [], usage: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } } })
      + sse(undefined, '[DONE]'));
    // THEN the usage is read, the chunk is hidden, and the end is seen
    expect(p.usage).toEqual({ inputTokens: 10, outputTokens: 2, cachedInputTokens: 4, cacheWriteTokens: 0, reasoningTokens: 0 });
    expect(out).not.toContain('usage');
    expect(out).toContain('[DONE]');
    expect(p.terminal).toBe(true);
  });

  it('chat: an error chunk inside a 200 stream is an upstream error', () => {
    // GIVEN a chat stream
    const p = pipeline('chat');
    // WHEN the upstream sends an error object
    p.push(sse(undefined, { error: { message: 'overloaded', type: 'server_error' } }));
    // THEN the pipeline reports it
    expect(p.upstreamError).toBe('overloaded');
    expect(p.contentSeen).toBe(false);
    // AND a chunk carrying `"error": null` is no error
    const nullError = pipeline('chat');
    nullError.push(sse(undefined, { error: null, choices: [{ index: 0, delta: { content: 'Hi' } }] }));
    expect(nullError.upstreamError).toBeUndefined();
    expect(nullError.contentSeen).toBe(true);
  });

  it('responses: lifecycle events are held, a text delta is content, response.completed ends with usage and the id is read', () => {
    // GIVEN a Responses stream
    const p = pipeline('responses');
    // WHEN the lifecycle events arrive
    p.push(sse('response.created', { type: 'response.created', sequence_number: 0, response: { id: 'resp_1' } })
      + sse('response.in_progress', { type: 'response.in_progress', sequence_number: 1 })
      + sse('response.output_item.added', { type: 'response.output_item.added', sequence_number: 2, item: { type: 'message' } })
      + sse('response.content_part.added', { type: 'response.content_part.added', sequence_number: 3 }));
    // THEN no content flowed, and the id is known
    expect(p.contentSeen).toBe(false);
    expect(p.responseId).toBe('resp_1');
    // WHEN a delta and the completion arrive
    p.push(sse('response.output_text.delta', { type: 'response.output_text.delta', sequence_number: 4, delta: 'Hi' }));
    expect(p.contentSeen).toBe(true);
    p.push(sse('response.completed', { type: 'response.completed', sequence_number: 5, response: { usage: { input_tokens: 7, output_tokens: 3, input_tokens_details: { cached_tokens: 2 }, output_tokens_details: { reasoning_tokens: 1 } } } }));
    // THEN usage and the end are read, and an error frame continues the numbering
    expect(p.terminal).toBe(true);
    expect(p.usage).toEqual({ inputTokens: 7, outputTokens: 3, cachedInputTokens: 2, cacheWriteTokens: 0, reasoningTokens: 1 });
    expect(JSON.parse(p.errorFrame('x', 'y').split('data: ')[1]).sequence_number).toBe(6);
  });

  it('responses: a function call item carries content; response.failed and error are upstream errors', () => {
    // GIVEN Responses streams
    const call = pipeline('responses');
    call.push(sse('response.output_item.added', { type: 'response.output_item.added', item: { type: 'function_call', name: 'f' } }));
    const failed = pipeline('responses');
    failed.push(sse('response.failed', { type: 'response.failed', response: { error: { code: 'server_error', message: 'boom' } } }));
    const error = pipeline('responses');
    error.push(sse('error', { type: 'error', code: 'x', message: 'bad' }));
    // THEN the tool call counts as content and both failures as errors
    expect(call.contentSeen).toBe(true);
    expect(failed.upstreamError).toBe('boom');
    expect(error.upstreamError).toBe('bad');
  });

  it('messages: message_start, ping and an empty text block are held; usage merges from message_start and message_delta', () => {
    // GIVEN an Anthropic stream
    const p = pipeline('messages');
    // WHEN the opening events arrive
    p.push(sse('message_start', { type: 'message_start', message: { usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 1 } } })
      + sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
      + sse('ping', { type: 'ping' }));
    // THEN nothing counts as content yet
    expect(p.contentSeen).toBe(false);
    // WHEN a delta, the stop reason and message_stop arrive
    p.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }));
    expect(p.contentSeen).toBe(true);
    p.push(sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }) + sse('message_stop', { type: 'message_stop' }));
    // THEN input counts cache reads and writes, output is the cumulative count
    expect(p.usage).toEqual({ inputTokens: 125, outputTokens: 9, cachedInputTokens: 100, cacheWriteTokens: 20, reasoningTokens: 0 });
    expect(p.terminal).toBe(true);
  });

  it('messages: a tool_use block start is content; an error event is an upstream error', () => {
    // GIVEN Anthropic streams
    const tool = pipeline('messages');
    tool.push(sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } }));
    const error = pipeline('messages');
    error.push(sse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    // THEN
    expect(tool.contentSeen).toBe(true);
    expect(error.upstreamError).toBe('Overloaded');
  });

  it('translates events with the pair\'s translator and ends with its closing events', () => {
    // GIVEN a translator that turns every Anthropic text delta into a chat chunk
    const translator: Translator = {
      client: 'chat',
      upstream: 'messages',
      upstreamPath: 'messages',
      request: (body) => ({ kind: 'translated', body, dropped: [] }),
      response: (body) => body,
      stream: () => ({
        push: (_event, json) => {
          const text = (json as { delta?: { text?: string } }).delta?.text;
          return text ? [{ data: JSON.stringify({ choices: [{ delta: { content: text } }] }) }] : [];
        },
        end: () => [{ data: '[DONE]' }],
      }),
    };
    const p = pipeline('chat', 'messages', { translator });
    // WHEN an Anthropic stream goes through
    const out = p.push(sse('message_start', { type: 'message_start', message: { usage: { input_tokens: 1 } } })
      + sse('content_block_delta', { type: 'content_block_delta', delta: { type: 'text_delta', text: 'Hi' } })
      + sse('message_stop', { type: 'message_stop' })) + p.finish();
    // THEN the client sees chat chunks and [DONE]
    expect(out).toBe('data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n');
  });

  it('passes chat events through byte for byte when they arrive split at odd places, one byte at a time included', () => {
    // GIVEN a chat stream with multi-byte text, the usage chunk kept (the client asked for it)
    const p = pipeline('chat');
    const text = 'data: {"choices":[{"delta":{"content":"héllo 世界 🙂"}}]}\n\ndata: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\ndata: [DONE]\n\n';
    const bytes = Buffer.from(text, 'utf8');
    // WHEN it arrives one byte at a time
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += p.push(bytes.subarray(i, i + 1));
    out += p.finish();
    // THEN the client gets the same text (no replacement characters), usage included
    expect(out).toBe(text);
    expect(p.usage).toMatchObject({ inputTokens: 1, outputTokens: 2 });
  });

  it('throws when one upstream event passes the size cap', () => {
    // GIVEN a pipeline capped at 64 KiB
    const p = pipeline('chat');
    // WHEN a 100 KiB event without a terminator arrives
    // THEN it is refused
    expect(() => p.push(`data: ${'z'.repeat(100 * 1024)}`)).toThrow(SseEventTooLarge);
  });
});
