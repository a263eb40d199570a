import { describe, expect, it } from 'vitest';
import { OPENAI_TEXT_LENGTH, OPENAI_TEXT_TWO_TOOLS } from './fixtures/openai-streams';
import { anthropicSdkMessage, cutAt, translateWire } from './sdk-accumulators';
import { OpenAIChatToMessagesStream } from '../../../../../runtime/proxy/formats/translate/openai-chat-to-messages-stream';
import type { SseEvent } from '../../../../../runtime/proxy/formats/types';

const CTX = { model: 'claude-sonnet-4-5' };

/** A chat stream of chunks with these choice deltas (and finish reasons), then [DONE] unless told. */
function chatStream(deltas: [Record<string, unknown>, string?][], done = true): string {
  const chunk = (d: Record<string, unknown>, finish?: string) => `data: ${JSON.stringify({
    id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1, model: 'some-model', choices: [{ index: 0, delta: d, finish_reason: finish ?? null }],
  })}\n\n`;
  return deltas.map(([d, f]) => chunk(d, f)).join('') + (done ? 'data: [DONE]\n\n' : '');
}

function shape(events: readonly SseEvent[]): string[] {
  return events.map((e) => {
    const data = JSON.parse(e.data) as { index?: number; content_block?: { type: string }; delta?: { type?: string } };
    expect(e.event).toBe((data as { type: string }).type);
    const detail = data.content_block?.type ?? data.delta?.type ?? '';
    return [e.event, data.index, detail].filter((part) => part !== undefined && part !== '').join(':');
  });
}

describe('a Chat Completions stream translated for an Anthropic Messages client', () => {
  it('is read by the @anthropic-ai/sdk as the same answer: text, two tool calls with parsed input, stop reason and usage', async () => {
    // GIVEN a stream with text and two parallel tool calls / WHEN translated
    const out = translateWire(new OpenAIChatToMessagesStream(CTX), [OPENAI_TEXT_TWO_TOOLS]);
    // THEN the Anthropic SDK accumulates the same answer
    const message = await anthropicSdkMessage(out);
    expect(message).toMatchObject({
      id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'text', text: 'Checking both — ☀️ 🕐.' },
        { type: 'tool_use', id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', input: { location: 'Paris, France' } },
        { type: 'tool_use', id: 'call_ABC123xyz', name: 'get_time', input: { timezone: 'Europe/Paris' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 452, output_tokens: 77, cache_read_input_tokens: 2048, cache_creation_input_tokens: 0 },
    });
  });

  it('opens one block at a time and numbers blocks in order: text 0, tool calls 1 and 2', () => {
    const out = translateWire(new OpenAIChatToMessagesStream(CTX), [OPENAI_TEXT_TWO_TOOLS]);
    expect(shape(out)).toEqual([
      'message_start',
      'content_block_start:0:text', 'content_block_delta:0:text_delta', 'content_block_delta:0:text_delta', 'content_block_stop:0',
      'content_block_start:1:tool_use', 'content_block_delta:1:input_json_delta', 'content_block_delta:1:input_json_delta', 'content_block_delta:1:input_json_delta', 'content_block_stop:1',
      'content_block_start:2:tool_use', 'content_block_delta:2:input_json_delta', 'content_block_delta:2:input_json_delta', 'content_block_stop:2',
      'message_delta', 'message_stop',
    ]);
  });

  it('gives the same client events wherever the upstream bytes are cut (every byte boundary)', () => {
    const bytes = Buffer.from(OPENAI_TEXT_TWO_TOOLS);
    const whole = translateWire(new OpenAIChatToMessagesStream(CTX), [bytes]);
    for (let at = 1; at < bytes.length; at++) {
      expect(translateWire(new OpenAIChatToMessagesStream(CTX), cutAt(bytes, at))).toEqual(whole);
    }
  });

  it('keeps tool arguments whole wherever the upstream splits the argument fragments (every character)', async () => {
    const args = '{"query": "caf\\u00e9 \\"lyon\\"", "filters": {"open": true, "tags": ["a", "b"]}, "emoji": "🍷"}';
    for (let at = 0; at <= args.length; at++) {
      // GIVEN the arguments in two fragments cut at `at`
      const stream = chatStream([
        [{ role: 'assistant', content: null }],
        [{ tool_calls: [{ index: 0, id: 'call_s', type: 'function', function: { name: 'search', arguments: '' } }] }],
        [{ tool_calls: [{ index: 0, function: { arguments: args.slice(0, at) } }] }],
        [{ tool_calls: [{ index: 0, function: { arguments: args.slice(at) } }] }],
        [{}, 'tool_calls'],
      ]);
      // WHEN translated and accumulated by the Anthropic SDK / THEN the input is the parsed arguments
      const message = await anthropicSdkMessage(translateWire(new OpenAIChatToMessagesStream(CTX), [stream]));
      expect(message.content).toEqual([{ type: 'tool_use', id: 'call_s', name: 'search', input: JSON.parse(args) }]);
    }
  });

  it('starts a new block for a new id and name at a reused index (providers that number every call 0)', async () => {
    const stream = chatStream([
      [{ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }],
      [{ tool_calls: [{ index: 0, id: 'call_b', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } }] }],
      [{}, 'tool_calls'],
    ]);
    const message = await anthropicSdkMessage(translateWire(new OpenAIChatToMessagesStream(CTX), [stream]));
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'get_weather', input: { city: 'Lyon' } },
    ]);
  });

  it('continues the last call for fragments without index, and the same call when a provider repeats its id', async () => {
    const stream = chatStream([
      [{ tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }],
      [{ tool_calls: [{ id: 'call_a', function: { arguments: '1}' } }] }],
      [{}, 'tool_calls'],
    ]);
    const message = await anthropicSdkMessage(translateWire(new OpenAIChatToMessagesStream(CTX), [stream]));
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_a', name: 'f', input: { a: 1 } }]);
  });

  it('holds argument fragments that come before the call\'s name until the name arrives', async () => {
    const stream = chatStream([
      [{ tool_calls: [{ index: 0, id: 'call_a', function: { arguments: '{"a":' } }] }],
      [{ tool_calls: [{ index: 0, function: { name: 'f', arguments: '2}' } }] }],
      [{}, 'tool_calls'],
    ]);
    const message = await anthropicSdkMessage(translateWire(new OpenAIChatToMessagesStream(CTX), [stream]));
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_a', name: 'f', input: { a: 2 } }]);
  });

  it('streams the input of calls sent whole in one chunk (id, name and arguments together, as Gemini\'s OpenAI endpoint does) as input_json_delta', async () => {
    const stream = chatStream([
      [{
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"n":1}' } },
          { index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"n":2}' } },
        ],
      }],
      [{}, 'tool_calls'],
    ]);
    const out = translateWire(new OpenAIChatToMessagesStream(CTX), [stream]);
    // the start carries `input: {}` as the API's does; the arguments follow as deltas (LiteLLM #25836 lost them)
    expect(out.filter((e) => e.event === 'content_block_delta').map((e) => (JSON.parse(e.data) as { delta: unknown }).delta)).toEqual([
      { type: 'input_json_delta', partial_json: '{"n":1}' },
      { type: 'input_json_delta', partial_json: '{"n":2}' },
    ]);
    const message = await anthropicSdkMessage(out);
    expect(message.content.map((b) => (b.type === 'tool_use' ? [b.id, b.name, b.input] : b.type))).toEqual([['call_a', 'f', { n: 1 }], ['call_b', 'g', { n: 2 }]]);
  });

  it('closes the message at the end when a provider sends a finish reason but no [DONE]', async () => {
    const stream = chatStream([[{ role: 'assistant', content: 'Hi' }], [{}, 'stop']], false);
    const out = translateWire(new OpenAIChatToMessagesStream(CTX), [stream]);
    expect(shape(out).slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(await anthropicSdkMessage(out)).toMatchObject({ content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn' });
  });

  it('maps length to max_tokens and a streamed refusal to refusal', async () => {
    expect(await anthropicSdkMessage(translateWire(new OpenAIChatToMessagesStream(CTX), [OPENAI_TEXT_LENGTH]))).toMatchObject({
      content: [{ type: 'text', text: 'Hello, wor' }], stop_reason: 'max_tokens',
    });
    const refusal = chatStream([[{ role: 'assistant', refusal: 'I can\'t.' }], [{}, 'stop']]);
    expect(await anthropicSdkMessage(translateWire(new OpenAIChatToMessagesStream(CTX), [refusal]))).toMatchObject({
      content: [{ type: 'text', text: 'I can\'t.' }], stop_reason: 'refusal',
    });
  });

  it('translates an error chunk to nothing (the relay answers errors in the client\'s format)', () => {
    const translator = new OpenAIChatToMessagesStream(CTX);
    const error = { error: { message: 'overloaded', type: 'server_error' } };
    expect(translator.push({ data: JSON.stringify(error) }, error)).toEqual([]);
  });
});
