import { describe, expect, it } from 'vitest';
import { ANTHROPIC_TOOL_ANSWER } from './fixtures/anthropic-streams';
import { anthropicToChatResponse } from '../../../../../runtime/proxy/formats/translate/anthropic-to-chat-response';

const CTX = { model: 'gpt-4.1', created: 1_764_000_000 };

function answer(fields: Record<string, unknown>): Record<string, unknown> {
  return { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 }, ...fields };
}

describe('an Anthropic Messages answer translated for a Chat Completions client', () => {
  it('puts text in message.content, tool_use blocks in tool_calls, and folds cache counts into prompt_tokens', () => {
    // GIVEN the reference answer with text and a tool call / WHEN translated
    const out = anthropicToChatResponse(ANTHROPIC_TOOL_ANSWER, CTX);
    // THEN it is a chat.completion the client's model name echoed
    expect(out).toEqual({
      id: 'msg_01Aq9w938a90dw8q',
      object: 'chat.completion',
      created: 1_764_000_000,
      model: 'gpt-4.1',
      choices: [{
        index: 0,
        message: {
          role: 'assistant',
          content: 'I\'ll look that up.',
          refusal: null,
          tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      }],
      usage: { prompt_tokens: 3119, completion_tokens: 503, total_tokens: 3622, prompt_tokens_details: { cached_tokens: 1024 } },
    });
  });

  it.each([
    ['end_turn', 'stop'], ['stop_sequence', 'stop'], ['pause_turn', 'stop'], ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'], ['tool_use', 'tool_calls'], ['refusal', 'content_filter'], ['something_new', 'stop'],
  ])('maps stop_reason %s to finish_reason %s', (stopReason, finishReason) => {
    const out = anthropicToChatResponse(answer({ stop_reason: stopReason, content: [{ type: 'text', text: 'x' }] }), CTX) as { choices: { finish_reason: string }[] };
    expect(out.choices[0].finish_reason).toBe(finishReason);
  });

  it('joins text blocks, leaves thinking out, and gives null content when the answer is only tool calls', () => {
    const joined = anthropicToChatResponse(answer({
      content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'Hello, ' }, { type: 'text', text: 'world' }],
    }), CTX) as { choices: { message: { content: unknown } }[] };
    expect(joined.choices[0].message.content).toBe('Hello, world');
    const toolsOnly = anthropicToChatResponse(answer({ content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }], stop_reason: 'tool_use' }), CTX) as { choices: { message: { content: unknown } }[] };
    expect(toolsOnly.choices[0].message.content).toBeNull();
  });

  it('names the upstream model when the client named none', () => {
    expect(anthropicToChatResponse(answer({}), { model: '', created: 0 })).toMatchObject({ model: 'claude-haiku-4-5' });
  });
});
