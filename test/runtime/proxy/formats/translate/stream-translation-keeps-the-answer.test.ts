import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicSdkMessage, openAISdkCompletion, translateWire, wire } from './sdk-accumulators';
import { AnthropicToChatStream } from '../../../../../runtime/proxy/formats/translate/anthropic-to-chat-stream';
import { OpenAIChatToMessagesStream } from '../../../../../runtime/proxy/formats/translate/openai-chat-to-messages-stream';
import type { SseEvent } from '../../../../../runtime/proxy/formats/types';

/** A string and a random cut of it into fragments (as a provider streams it). */
function fragmented(source: fc.Arbitrary<string>): fc.Arbitrary<{ whole: string; pieces: string[] }> {
  return source.chain((whole) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, whole.length - 1) }), { maxLength: 6 }).map((cuts) => {
    const points = [0, ...cuts.filter((c) => c < whole.length).sort((a, b) => a - b), whole.length];
    const pieces = points.slice(1).map((end, k) => whole.slice(points[k], end)).filter((p) => p.length > 0);
    return { whole, pieces };
  }));
}

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
const toolCall = fc.record({
  id: name.map((n) => `call_${n}`),
  name,
  args: fragmented(fc.dictionary(name, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((o) => JSON.stringify(o))),
});

/** An answer: some text (maybe none), some tool calls (maybe none), never nothing at all. */
const answer = fc.record({
  text: fc.option(fragmented(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' })), { nil: undefined }),
  tools: fc.uniqueArray(toolCall, { maxLength: 3, selector: (t) => t.id }),
  input: fc.nat({ max: 100_000 }),
  output: fc.nat({ max: 10_000 }),
}).filter((a) => a.text !== undefined || a.tools.length > 0);

type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

function named(type: string, payload: Record<string, unknown>): SseEvent {
  return { event: type, data: JSON.stringify({ type, ...payload }) };
}

function anthropicStream(a: Answer): string {
  const events: SseEvent[] = [named('message_start', {
    message: { id: 'msg_p', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: a.input, output_tokens: 1 } },
  })];
  let index = 0;
  if (a.text) {
    events.push(named('content_block_start', { index, content_block: { type: 'text', text: '' } }), named('ping', {}));
    for (const piece of a.text.pieces) events.push(named('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    events.push(named('content_block_stop', { index }));
    index++;
  }
  for (const tool of a.tools) {
    events.push(named('content_block_start', { index, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} } }));
    for (const piece of ['', ...tool.args.pieces]) events.push(named('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
    events.push(named('content_block_stop', { index }));
    index++;
  }
  events.push(
    named('message_delta', { delta: { stop_reason: a.tools.length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: a.output } }),
    named('message_stop', {}),
  );
  return wire(events);
}

function chatStream(a: Answer): string {
  const chunk = (choices: unknown[], usage?: unknown): SseEvent => ({
    data: JSON.stringify({ id: 'chatcmpl-p', object: 'chat.completion.chunk', created: 1, model: 'gpt', choices, ...(usage ? { usage } : {}) }),
  });
  const delta = (d: unknown, finish: string | null = null) => chunk([{ index: 0, delta: d, finish_reason: finish }]);
  const events: SseEvent[] = [delta({ role: 'assistant', content: '' })];
  for (const piece of a.text?.pieces ?? []) events.push(delta({ content: piece }));
  a.tools.forEach((tool, k) => {
    const [first = '', ...rest] = tool.args.pieces;
    events.push(delta({ tool_calls: [{ index: k, id: tool.id, type: 'function', function: { name: tool.name, arguments: first } }] }));
    for (const piece of rest) events.push(delta({ tool_calls: [{ index: k, function: { arguments: piece } }] }));
  });
  events.push(delta({}, a.tools.length > 0 ? 'tool_calls' : 'stop'), chunk([], { prompt_tokens: a.input, completion_tokens: a.output, total_tokens: a.input + a.output }), { data: '[DONE]' });
  return wire(events);
}

describe('a translated stream carries the same answer, however the upstream fragments it', () => {
  it('anthropic → chat: the openai SDK reads the text, every tool call with its whole arguments, the finish reason and usage', async () => {
    await fc.assert(fc.asyncProperty(answer, async (a) => {
      // GIVEN an answer streamed by Anthropic in random fragments / WHEN translated for a chat client
      const out = translateWire(new AnthropicToChatStream({ model: 'gpt-4.1', created: 1, includeUsage: true }), [anthropicStream(a)]);
      const completion = await openAISdkCompletion(out);
      // THEN the openai SDK accumulates that answer
      const message = completion.choices[0].message;
      expect(message.content ?? null).toBe(a.text ? a.text.whole : null);
      expect(message.tool_calls ?? []).toEqual(a.tools.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.args.whole } })));
      expect(completion.choices[0].finish_reason).toBe(a.tools.length > 0 ? 'tool_calls' : 'stop');
      expect(completion.usage).toMatchObject({ prompt_tokens: a.input, completion_tokens: a.output });
    }), { numRuns: 150 });
  });

  it('chat → anthropic: the @anthropic-ai/sdk reads the text, every tool call with its parsed input, the stop reason and usage', async () => {
    await fc.assert(fc.asyncProperty(answer, async (a) => {
      const out = translateWire(new OpenAIChatToMessagesStream({ model: 'claude-sonnet-4-5' }), [chatStream(a)]);
      const message = await anthropicSdkMessage(out);
      expect(message.content).toEqual([
        ...(a.text ? [{ type: 'text', text: a.text.whole }] : []),
        ...a.tools.map((t) => ({ type: 'tool_use', id: t.id, name: t.name, input: JSON.parse(t.args.whole) as unknown })),
      ]);
      expect(message.stop_reason).toBe(a.tools.length > 0 ? 'tool_use' : 'end_turn');
      expect(message.usage).toMatchObject({ input_tokens: a.input, output_tokens: a.output });
    }), { numRuns: 150 });
  });
});
