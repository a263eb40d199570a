import { describe, expect, it } from 'vitest';
import { OPENAI_TOOL_ANSWER } from './fixtures/openai-streams';
import { openAIChatToMessagesResponse, UntranslatableAnswer } from '../../../../../runtime/proxy/formats/translate/openai-chat-to-messages-response';

const CTX = { model: 'claude-sonnet-4-5' };

function completion(message: Record<string, unknown>, finishReason = 'stop'): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4.1',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

describe('a Chat Completions answer translated for an Anthropic Messages client', () => {
  it('turns tool calls into tool_use blocks with parsed input, and moves cached tokens out of input_tokens', () => {
    // GIVEN the reference answer with a tool call / WHEN translated
    const out = openAIChatToMessagesResponse(OPENAI_TOOL_ANSWER, CTX);
    // THEN
    expect(out).toEqual({
      id: 'chatcmpl-abc123',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'tool_use', id: 'call_abc123', name: 'get_current_weather', input: { location: 'Boston, MA' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 18, output_tokens: 17, cache_read_input_tokens: 64, cache_creation_input_tokens: 0 },
    });
  });

  it.each([['stop', 'end_turn'], ['length', 'max_tokens'], ['tool_calls', 'tool_use'], ['function_call', 'tool_use'], ['content_filter', 'refusal'], ['other', 'end_turn']])(
    'maps finish_reason %s to stop_reason %s', (finishReason, stopReason) => {
      expect(openAIChatToMessagesResponse(completion({ content: 'x' }, finishReason), CTX)).toMatchObject({ stop_reason: stopReason });
    });

  it('keeps text as a text block and a refusal as text with stop_reason refusal', () => {
    expect(openAIChatToMessagesResponse(completion({ content: 'Hello' }), CTX)).toMatchObject({ content: [{ type: 'text', text: 'Hello' }] });
    expect(openAIChatToMessagesResponse(completion({ content: null, refusal: 'I can\'t help with that.' }), CTX)).toMatchObject({
      content: [{ type: 'text', text: 'I can\'t help with that.' }], stop_reason: 'refusal',
    });
  });

  it('subtracts the cache writes some providers report from input_tokens', () => {
    const body = { ...completion({ content: 'x' }), usage: { prompt_tokens: 1000, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 300 } } };
    expect(openAIChatToMessagesResponse(body, CTX)).toMatchObject({
      usage: { input_tokens: 100, output_tokens: 5, cache_read_input_tokens: 600, cache_creation_input_tokens: 300 },
    });
  });

  it('throws UntranslatableAnswer when the upstream\'s tool arguments are not a JSON object', () => {
    const body = completion({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a": 1' } }] }, 'tool_calls');
    expect(() => openAIChatToMessagesResponse(body, CTX)).toThrow(UntranslatableAnswer);
    expect(() => openAIChatToMessagesResponse(body, CTX)).toThrow(/tool call 0 arguments is not a JSON object: \{"a": 1/);
  });
});
