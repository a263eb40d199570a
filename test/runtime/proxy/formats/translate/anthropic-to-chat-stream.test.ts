import { describe, expect, it } from 'vitest';
import { ANTHROPIC_TEXT_MAX_TOKENS, ANTHROPIC_THINKING_TEXT_TWO_TOOLS } from './fixtures/anthropic-streams';
import { cutAt, openAISdkCompletion, translateWire, wire } from './sdk-accumulators';
import { AnthropicToChatStream } from '../../../../../runtime/proxy/formats/translate/anthropic-to-chat-stream';

const CTX = { model: 'gpt-4.1', created: 1_764_000_000, includeUsage: true };

function chunks(events: readonly { data: string }[]): Record<string, unknown>[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

describe('an Anthropic Messages stream translated for a Chat Completions client', () => {
  it('is read by the openai SDK as the same answer: text, two tool calls with their arguments, finish reason and usage', async () => {
    // GIVEN a stream with a thinking block, a text block and two tool_use blocks
    // WHEN it is translated event by event
    const out = translateWire(new AnthropicToChatStream(CTX), [ANTHROPIC_THINKING_TEXT_TWO_TOOLS]);
    // THEN the openai SDK accumulates the same answer
    const completion = await openAISdkCompletion(out);
    expect(completion.choices[0].message.content).toBe('Let me check both for you — ☀️ 🕐.');
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '{"location": "Paris, France", "unit": "celsius"}' } },
      { id: 'toolu_01WhMBqTY3xW9r5dDGL1xR8Q', type: 'function', function: { name: 'get_time', arguments: '{"timezone": "Europe/Paris"}' } },
    ]);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.usage).toEqual({
      prompt_tokens: 2620, completion_tokens: 89, total_tokens: 2709, prompt_tokens_details: { cached_tokens: 2048 },
    });
    expect(completion.model).toBe('gpt-4.1');
  });

  it('numbers tool calls 0 and 1 although their Anthropic blocks are 2 and 3, on the start and on every argument delta', () => {
    // GIVEN / WHEN
    const out = chunks(translateWire(new AnthropicToChatStream(CTX), [ANTHROPIC_THINKING_TEXT_TWO_TOOLS]));
    // THEN every tool-call fragment carries the call's own index
    type Fragment = { index: number; id?: string; function: { arguments?: string } };
    const fragments = out.flatMap((c) => ((c.choices as { delta: { tool_calls?: Fragment[] } }[])[0]?.delta.tool_calls ?? []));
    expect(fragments.map((f) => [f.index, f.id ?? null, f.function.arguments])).toEqual([
      [0, 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', ''],
      [0, null, '{"location": "Par'],
      [0, null, 'is, France", "unit": "c'],
      [0, null, 'elsius"}'],
      [1, 'toolu_01WhMBqTY3xW9r5dDGL1xR8Q', ''],
      [1, null, '{"timezone":'],
      [1, null, ' "Europe/Paris"}'],
    ]);
  });

  it('opens with a role chunk and ends with the usage chunk and [DONE]', () => {
    const out = translateWire(new AnthropicToChatStream(CTX), [ANTHROPIC_TEXT_MAX_TOKENS]);
    const parsed = chunks(out);
    expect(parsed[0]).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion.chunk',
      created: 1_764_000_000,
      model: 'gpt-4.1',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
    expect(parsed.at(-2)).toMatchObject({ choices: [{ delta: {}, finish_reason: 'length' }] });
    expect(parsed.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 3, total_tokens: 28 } });
    expect(out.at(-1)).toEqual({ data: '[DONE]' });
  });

  it('sends no usage chunk when the client did not ask for usage', () => {
    const out = chunks(translateWire(new AnthropicToChatStream({ ...CTX, includeUsage: false }), [ANTHROPIC_TEXT_MAX_TOKENS]));
    expect(out.filter((c) => (c.choices as unknown[]).length === 0)).toEqual([]);
  });

  it('gives the same client events wherever the upstream bytes are cut (every byte boundary)', () => {
    // GIVEN the stream's bytes, cut in two at every offset (inside lines, JSON strings, UTF-8 characters, terminators)
    const bytes = Buffer.from(ANTHROPIC_THINKING_TEXT_TWO_TOOLS);
    const whole = translateWire(new AnthropicToChatStream(CTX), [bytes]);
    for (let at = 1; at < bytes.length; at++) {
      // WHEN translated from the two pieces / THEN the client events are the same
      expect(translateWire(new AnthropicToChatStream(CTX), cutAt(bytes, at))).toEqual(whole);
    }
  });

  it('keeps tool arguments whole wherever Anthropic splits the input_json_delta fragments (every character)', async () => {
    // GIVEN tool arguments with escapes, unicode and nesting
    const args = '{"query": "caf\\u00e9 \\"lyon\\"", "filters": {"open": true, "tags": ["a", "b"]}, "emoji": "🍷"}';
    for (let at = 0; at <= args.length; at++) {
      const stream = wire([
        { event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { id: 'msg_s', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } }) },
        { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_s', name: 'search', input: {} } }) },
        { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: args.slice(0, at) } }) },
        { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: args.slice(at) } }) },
        { event: 'content_block_stop', data: JSON.stringify({ type: 'content_block_stop', index: 0 }) },
        { event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } }) },
        { event: 'message_stop', data: JSON.stringify({ type: 'message_stop' }) },
      ]);
      // WHEN translated and accumulated by the openai SDK
      const completion = await openAISdkCompletion(translateWire(new AnthropicToChatStream(CTX), [stream]));
      // THEN the arguments are the same text
      expect(completion.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'toolu_s', function: { name: 'search', arguments: args } });
    }
  });

  it('translates an error event to nothing (the relay answers errors in the client\'s format)', () => {
    const translator = new AnthropicToChatStream(CTX);
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    expect(translator.push({ event: 'error', data: JSON.stringify(error) }, error)).toEqual([]);
  });
});
