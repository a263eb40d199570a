/**
 * The mock's answers are shaped like the real OpenAI API: the `openai` SDK
 * (which asks for base64 embeddings and accumulates streamed tool calls)
 * reads them as it reads OpenAI's.
 */
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import { CACHE_BLOCK_TOKENS, CACHE_MIN_TOKENS } from '../../../runtime/mock/openai-usage';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } },
      required: ['city', 'unit'],
    },
  },
};

describe('mock answers read by the openai SDK', () => {
  let mock: MockUpstream;
  let client: OpenAI;
  beforeEach(async () => {
    mock = await startMockUpstream({ name: 'region_a' });
    client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 0, timeout: 5000 });
  });
  afterEach(async () => {
    await mock.close();
  });

  const length = (v: readonly number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

  it('returns one unit vector per input to the SDK, which asks for base64', async () => {
    // GIVEN three inputs, two of them equal
    const input = ['a cat', 'a dog', 'a cat'];
    // WHEN the SDK embeds them (it sends encoding_format: "base64" and decodes the answer)
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input });
    // THEN there is one 1536-long vector per input, in order, unit length, equal inputs equal
    expect(JSON.parse(mock.received[0].body).encoding_format).toBe('base64');
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (const d of res.data) {
      expect(d.embedding).toHaveLength(1536);
      expect(length(d.embedding)).toBeCloseTo(1, 4);
    }
    expect(res.data[2].embedding).toEqual(res.data[0].embedding);
    expect(res.data[1].embedding).not.toEqual(res.data[0].embedding);
    expect(res.usage.prompt_tokens).toBeGreaterThanOrEqual(3);
  });

  it('honours dimensions and encoding_format float with the same vector values', async () => {
    // GIVEN the same input asked as float and as base64, 64 dimensions
    const asFloat = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'hello', dimensions: 64, encoding_format: 'float' });
    const asBase64 = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'hello', dimensions: 64 });
    // THEN both have 64 values, equal up to float32 precision
    expect(asFloat.data[0].embedding).toHaveLength(64);
    expect(asBase64.data[0].embedding).toHaveLength(64);
    asFloat.data[0].embedding.forEach((v, i) => expect(asBase64.data[0].embedding[i]).toBeCloseTo(v, 6));
  });

  it('refuses embeddings without input with a 400 naming the field', async () => {
    // WHEN the input is empty
    const failure = await client.embeddings.create({ model: 'text-embedding-3-small', input: [] }).catch((e: unknown) => e);
    // THEN the SDK raises a BadRequestError whose param is input
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input');
  });

  it('calls the offered tool with arguments that follow its schema, then answers the tool result', async () => {
    // GIVEN a request that offers a tool
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    // WHEN the model is asked
    const first = await client.chat.completions.create({ model: 'gpt-4.1', messages, tools: [WEATHER_TOOL] });
    // THEN it answers a tool call with schema-shaped arguments
    const choice = first.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sample', unit: 'celsius', days: 1 });
    // WHEN the tool result is sent back
    const second = await client.chat.completions.create({
      model: 'gpt-4.1',
      tools: [WEATHER_TOOL],
      messages: [...messages, choice.message, { role: 'tool', tool_call_id: call.id, content: '18 °C, sunny' }],
    });
    // THEN the model answers with text that uses it
    expect(second.choices[0].finish_reason).toBe('stop');
    expect(second.choices[0].message.content).toBe('The tool answered: 18 °C, sunny');
  });

  it('streams a tool call whose argument pieces the SDK joins into the whole call', async () => {
    // GIVEN a streamed request that names the tool to call
    const stream = client.chat.completions.stream({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [WEATHER_TOOL, { type: 'function', function: { name: 'other', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    // WHEN the SDK reads it to the end
    const final = await stream.finalChatCompletion();
    // THEN the joined call is the named tool with complete JSON arguments
    const call = final.choices[0].message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sample', unit: 'celsius', days: 1 });
  });

  it('streams a role-only chunk first, then content, as OpenAI does', async () => {
    // WHEN a text stream is read chunk by chunk
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const deltas: Array<Record<string, unknown>> = [];
    const finish: Array<string | null> = [];
    for await (const chunk of stream) {
      deltas.push(chunk.choices[0].delta as Record<string, unknown>);
      finish.push(chunk.choices[0].finish_reason);
    }
    // THEN the first delta carries the role and no text, the last one the finish reason
    expect(deltas[0]).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Hello from the mock upstream.');
    expect(finish.at(-1)).toBe('stop');
    expect(finish.slice(0, -1).every((f) => f === null)).toBe(true);
  });

  it('answers JSON for response_format json_schema', async () => {
    // WHEN a structured answer is asked
    const res = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'a person' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } } },
    });
    // THEN the content is JSON of that schema
    expect(JSON.parse(res.choices[0].message.content!)).toEqual({ name: 'sample', age: 1 });
  });

  it('reports cached prompt tokens when a long prompt prefix repeats, in 128-token blocks', async () => {
    // GIVEN a system prompt of well over 1,024 tokens
    const system = { role: 'system' as const, content: 'You are a careful assistant. '.repeat(200) };
    // WHEN it is sent twice with different questions
    const first = await client.chat.completions.create({ model: 'gpt-4.1', messages: [system, { role: 'user', content: 'one' }] });
    const second = await client.chat.completions.create({ model: 'gpt-4.1', messages: [system, { role: 'user', content: 'two' }] });
    // THEN the first has nothing cached and the second has the system prompt cached
    expect(first.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const cached = second.usage!.prompt_tokens_details!.cached_tokens!;
    expect(cached).toBeGreaterThanOrEqual(CACHE_MIN_TOKENS);
    expect(cached % CACHE_BLOCK_TOKENS).toBe(0);
    expect(cached).toBeLessThan(second.usage!.prompt_tokens);
    expect(second.usage!.completion_tokens_details).toEqual({
      reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0,
    });
  });

  it('answers n choices and cuts an answer at max_tokens with finish_reason length', async () => {
    // WHEN two choices of at most 2 tokens are asked
    const res = await client.chat.completions.create({ model: 'gpt-4.1', n: 2, max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] });
    // THEN both are cut after two words
    expect(res.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([[0, 'Hello from', 'length'], [1, 'Hello from', 'length']]);
    expect(res.usage!.completion_tokens).toBe(4);
  });
});
