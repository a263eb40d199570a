import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatToAnthropicRequest } from '../../../../../runtime/proxy/formats/translate/chat-to-anthropic-request';
import { messagesToOpenAIChatRequest } from '../../../../../runtime/proxy/formats/translate/messages-to-openai-chat-request';
import { anthropicUsageOf, chatUsageOf } from '../../../../../runtime/proxy/formats/translate/usage-mapping';
import type { JsonObject, RequestRefusal, TranslatedRequest } from '../../../../../runtime/proxy/formats/types';

function body(result: TranslatedRequest | RequestRefusal): JsonObject {
  if (result.kind !== 'translated') throw new Error(`refused: ${result.message}`);
  return result.body;
}

/** What a body is on the wire (JSON text read back): `-0` is `0`, `undefined` fields are gone. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const text = fc.string({ minLength: 1, maxLength: 20 });
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
const args = fc.dictionary(name, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
const base64 = fc.base64String({ minLength: 4, maxLength: 24 });
const mediaType = fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp');
/** Up to three tool calls: their ids, inputs and results. */
const calls = fc.tuple(
  fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
  fc.array(args, { minLength: 3, maxLength: 3 }),
  fc.array(fc.string({ maxLength: 10 }), { minLength: 3, maxLength: 3 }),
);

// ---- the expressible subset of Chat Completions ----

const chatUserContent = fc.oneof(
  text,
  fc.array(fc.oneof(
    text.map((t) => ({ type: 'text', text: t })),
    fc.tuple(mediaType, base64).map(([m, d]) => ({ type: 'image_url', image_url: { url: `data:${m};base64,${d}` } })),
    name.map((n) => ({ type: 'image_url', image_url: { url: `https://images.example.com/${n}.png` } })),
  ), { minLength: 1, maxLength: 3 }),
);

/** One exchange: the user speaks, the assistant answers with text or with tool calls (then every call's result). */
const chatExchange = fc.tuple(
  chatUserContent,
  fc.oneof(
    text.map((t) => [{ role: 'assistant', content: t }]),
    fc.tuple(fc.option(text, { nil: null }), calls)
      .map(([content, [ids, inputs, results]]) => [
        { role: 'assistant', content, tool_calls: ids.map((id, k) => ({ id: `call_${id}`, type: 'function', function: { name: `fn_${k}`, arguments: JSON.stringify(inputs[k]) } })) },
        ...ids.map((id, k) => ({ role: 'tool', tool_call_id: `call_${id}`, content: results[k] })),
      ]),
  ),
).map(([userContent, answer]) => [{ role: 'user', content: userContent }, ...answer]);

const chatTools = fc.uniqueArray(name, { minLength: 1, maxLength: 3 }).chain((names) => fc.record({
  tools: fc.constant(names.map((n) => ({ type: 'function', function: { name: n, description: `does ${n}`, parameters: { type: 'object', properties: { q: { type: 'string' } } } } }))),
  choice: fc.oneof(
    fc.constant({}),
    fc.constant({ tool_choice: 'none' }),
    fc.constantFrom('auto', 'required', { type: 'function', function: { name: names[0] } }).chain((choice) => fc.constantFrom({ tool_choice: choice }, { tool_choice: choice, parallel_tool_calls: false })),
  ),
})).map(({ tools, choice }) => ({ tools, ...choice }));

/** A user message after tool results shares their Anthropic turn, so its text comes back as a part: write it so. */
function asParts(messages: Record<string, unknown>[]): Record<string, unknown>[] {
  return messages.map((m, i) => (m.role === 'user' && typeof m.content === 'string' && messages[i - 1]?.role === 'tool'
    ? { ...m, content: [{ type: 'text', text: m.content }] }
    : m));
}

const chatRequest = fc.record({
  system: fc.array(text, { maxLength: 2 }),
  exchanges: fc.array(chatExchange, { maxLength: 3 }),
  last: chatUserContent,
  max_tokens: fc.integer({ min: 1, max: 64_000 }),
  temperature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  top_p: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  stop: fc.option(fc.array(text, { minLength: 1, maxLength: 4 }), { nil: undefined }),
  stream: fc.boolean(),
  tools: fc.option(chatTools, { nil: undefined }),
  user: fc.option(name, { nil: undefined }),
}).map((r) => wire({
  model: 'claude-sonnet-4-5',
  messages: asParts([...r.system.map((s) => ({ role: 'system', content: s })), ...r.exchanges.flat(), { role: 'user', content: r.last }]),
  max_tokens: r.max_tokens,
  temperature: r.temperature,
  top_p: r.top_p,
  stop: r.stop,
  ...(r.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  ...r.tools,
  user: r.user,
}));

// ---- the expressible subset of Anthropic Messages ----

const anthropicUserBlocks = fc.array(fc.oneof(
  text.map((t) => ({ type: 'text', text: t })),
  fc.tuple(mediaType, base64).map(([m, d]) => ({ type: 'image', source: { type: 'base64', media_type: m, data: d } })),
  name.map((n) => ({ type: 'image', source: { type: 'url', url: `https://images.example.com/${n}.png` } })),
), { minLength: 1, maxLength: 3 });

const anthropicExchange = fc.tuple(
  fc.oneof(text, anthropicUserBlocks),
  fc.oneof(
    text.map((t) => ({ answer: { role: 'assistant', content: t }, results: [] as unknown[] })),
    fc.tuple(fc.option(text, { nil: undefined }), calls)
      .map(([t, [ids, inputs, results]]) => ({
        answer: {
          role: 'assistant',
          content: [...(t === undefined ? [] : [{ type: 'text', text: t }]), ...ids.map((id, k) => ({ type: 'tool_use', id: `toolu_${id}`, name: `fn_${k}`, input: inputs[k] }))],
        },
        results: ids.map((id, k) => ({ type: 'tool_result', tool_use_id: `toolu_${id}`, content: results[k] })),
      })),
  ),
);

const anthropicTools = fc.uniqueArray(name, { minLength: 1, maxLength: 3 }).chain((names) => fc.record({
  tools: fc.constant(names.map((n) => ({ name: n, description: `does ${n}`, input_schema: { type: 'object', properties: { q: { type: 'string' } } } }))),
  choice: fc.oneof(
    fc.constant({}),
    fc.constant({ tool_choice: { type: 'none' } }),
    fc.constantFrom({ type: 'auto' }, { type: 'any' }, { type: 'tool', name: names[0] })
      .chain((c) => fc.constantFrom({ tool_choice: c }, { tool_choice: { ...c, disable_parallel_tool_use: true } })),
  ),
})).map(({ tools, choice }) => ({ tools, ...choice }));

const messagesRequest = fc.record({
  system: fc.array(text, { maxLength: 2 }),
  exchanges: fc.array(anthropicExchange, { maxLength: 3 }),
  last: anthropicUserBlocks,
  max_tokens: fc.integer({ min: 1, max: 64_000 }),
  temperature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  stop_sequences: fc.option(fc.array(text, { minLength: 1, maxLength: 4 }), { nil: undefined }),
  stream: fc.option(fc.constant(true), { nil: undefined }),
  tools: fc.option(anthropicTools, { nil: undefined }),
  userId: fc.option(name, { nil: undefined }),
}).map((r) => {
  // the results of each exchange's tool calls open the next user turn
  const messages: unknown[] = [];
  let pending: unknown[] = [];
  for (const [userContent, { answer, results }] of r.exchanges) {
    messages.push({ role: 'user', content: pending.length > 0 ? [...pending, ...(typeof userContent === 'string' ? [{ type: 'text', text: userContent }] : userContent)] : userContent });
    messages.push(answer);
    pending = results;
  }
  messages.push({ role: 'user', content: [...pending, ...r.last] });
  return wire({
    model: 'gpt-4.1',
    max_tokens: r.max_tokens,
    ...(r.system.length > 0 ? { system: r.system.map((s) => ({ type: 'text', text: s })) } : {}),
    messages,
    temperature: r.temperature,
    stop_sequences: r.stop_sequences,
    stream: r.stream,
    ...r.tools,
    ...(r.userId === undefined ? {} : { metadata: { user_id: r.userId } }),
  });
});

describe('translating a request there and back', () => {
  it('gives back the same Chat Completions request (chat → anthropic → chat), for every request Anthropic can express', () => {
    fc.assert(fc.property(chatRequest, (chat) => {
      // GIVEN an expressible chat request / WHEN translated to Anthropic and back
      const back = body(messagesToOpenAIChatRequest(wire(body(chatToAnthropicRequest(chat)))));
      // THEN it is the request the client sent
      expect(back).toEqual(chat);
    }), { numRuns: 300 });
  });

  it('gives back the same Messages request (anthropic → chat → anthropic), for every request Chat Completions can express', () => {
    fc.assert(fc.property(messagesRequest, (messages) => {
      const back = body(chatToAnthropicRequest(wire(body(messagesToOpenAIChatRequest(messages)))));
      expect(back).toEqual(messages);
    }), { numRuns: 300 });
  });

  it('keeps every token count when usage goes chat → anthropic → chat', () => {
    const chatUsage = fc.tuple(fc.nat({ max: 1e7 }), fc.nat({ max: 1e7 }), fc.nat({ max: 1e7 })).map(([cached, uncached, completion]) => ({
      prompt_tokens: cached + uncached,
      completion_tokens: completion,
      total_tokens: cached + uncached + completion,
      prompt_tokens_details: { cached_tokens: cached },
    }));
    fc.assert(fc.property(chatUsage, (usage) => {
      expect(chatUsageOf(anthropicUsageOf(usage))).toEqual(usage);
    }));
  });
});
