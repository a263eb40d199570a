import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';

const TOOL = { type: 'function' as const, name: 'get_weather', description: 'weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('the mock speaks the OpenAI Responses API', () => {
  let mock: MockUpstream | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });
  const client = (): OpenAI => new OpenAI({ apiKey: 'sk-test', baseURL: mock!.url, maxRetries: 0 });

  it('answers responses.create with an output message and Responses usage', async () => {
    // GIVEN a mock
    mock = await startMockUpstream({ name: 'r1' });
    // WHEN the openai SDK creates a response
    const response = await client().responses.create({ model: 'gpt-4.1', input: 'hello' });
    // THEN it reads the text and the usage fields of the Responses shape
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello from the mock upstream.');
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(0);
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(0);
  });

  it('streams typed events that responses.stream assembles into the final response', async () => {
    // GIVEN a mock
    mock = await startMockUpstream();
    // WHEN the SDK streams a response
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'hello' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    // THEN the lifecycle events come first, then deltas, then response.completed with usage
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.filter((t) => t === 'response.output_text.delta').length).toBe(6);
    expect(types.at(-1)).toBe('response.completed');
    expect(final.output_text).toBe('Hello from the mock upstream.');
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('calls an offered function tool, streaming its arguments in pieces', async () => {
    // GIVEN a mock
    mock = await startMockUpstream();
    // WHEN a request offers a function tool
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'weather in Paris?', tools: [TOOL] });
    let argumentDeltas = 0;
    for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') argumentDeltas += 1;
    const final = await stream.finalResponse();
    // THEN the output is a function call whose arguments follow the schema
    const call = final.output[0];
    expect(call.type).toBe('function_call');
    expect(call.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'sample' });
    expect(argumentDeltas).toBeGreaterThan(1);
  });

  it('keeps the responses it created for previous_response_id, GET and DELETE, and 404s other ids', async () => {
    // GIVEN a response created on the mock
    mock = await startMockUpstream();
    const first = await client().responses.create({ model: 'gpt-4.1', input: 'hello' });
    // WHEN a follow-up names it, it is fetched, deleted, and an unknown id is followed up
    const followUp = await client().responses.create({ model: 'gpt-4.1', input: 'again', previous_response_id: first.id });
    const fetched = await client().responses.retrieve(first.id);
    await client().responses.delete(first.id);
    const unknown = await client().responses.create({ model: 'gpt-4.1', input: 'x', previous_response_id: 'resp_nobody' }).catch((e: unknown) => e);
    // THEN the follow-up and the fetch succeed, and the unknown id is a 404 previous_response_not_found
    expect(followUp.previous_response_id).toBe(first.id);
    expect(fetched.id).toBe(first.id);
    await expect(client().responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('previous_response_not_found');
  });

  it('breaks a Responses stream after the lifecycle events in broken-stream mode', async () => {
    // GIVEN a mock whose streams break after 2 events
    mock = await startMockUpstream();
    mock.setMode({ kind: 'broken-stream', afterChunks: 2 });
    // WHEN a stream is read
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'hello' });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e: unknown) => e);
    // THEN only the two lifecycle events arrived before the break
    expect(types).toEqual(['response.created', 'response.in_progress']);
    expect(error).toBeInstanceOf(Error);
  });
});
