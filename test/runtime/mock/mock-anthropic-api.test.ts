import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';

const TOOL = { name: 'get_weather', description: 'weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

describe('the mock speaks the Anthropic Messages API', () => {
  let mock: MockUpstream | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });
  const client = (): Anthropic => new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock!.url.replace(/\/v1$/, ''), maxRetries: 0 });

  it('answers messages.create with a text block and Anthropic usage', async () => {
    // GIVEN a mock
    mock = await startMockUpstream({ name: 'a1' });
    // WHEN the Anthropic SDK creates a message
    const message = await client().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    // THEN it reads the text, the stop reason and the usage fields
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the mock upstream.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.cache_read_input_tokens).toBe(0);
    // AND the SDK sent the version header the real API requires
    expect(mock.received[0].headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const { authorization, 'x-api-key': apiKey } = mock.received[0].headers;
    expect(apiKey ?? authorization).toMatch(/sk-ant-test$/);
  });

  it('streams events that messages.stream assembles, and a tool_use block with input_json_delta pieces', async () => {
    // GIVEN a mock
    mock = await startMockUpstream();
    // WHEN a plain and a tool-offering message are streamed
    const text = client().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    const types: string[] = [];
    for await (const event of text) types.push(event.type);
    const plain = await text.finalMessage();
    const tool = await client().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, tools: [TOOL], messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
    // THEN the events come in Anthropic's order, and the tool call is whole
    expect(types.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(plain.content[0]).toEqual({ type: 'text', text: 'Hello from the mock upstream.', citations: undefined });
    expect(plain.usage.output_tokens).toBe(6);
    expect(tool.stop_reason).toBe('tool_use');
    expect(tool.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'sample' } });
  });

  it('reports cache writes and reads for prompts that ask for cache_control', async () => {
    // GIVEN a mock and a long prompt marked for caching
    mock = await startMockUpstream();
    const long = 'lorem ipsum '.repeat(600);
    const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: long, cache_control: { type: 'ephemeral' as const } }] }, { role: 'assistant' as const, content: 'ok' }, { role: 'user' as const, content: 'go on' }];
    // WHEN the same prompt is sent twice
    const first = await client().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages });
    const second = await client().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages });
    // THEN the first writes the cache and the second reads it, input_tokens excluding both
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1000);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBeGreaterThan(1000);
    expect(second.usage.input_tokens).toBeLessThan(second.usage.cache_read_input_tokens!);
  });

  it('answers faults and bad requests in Anthropic\'s error shape, and counts tokens', async () => {
    // GIVEN a mock answering 529
    mock = await startMockUpstream();
    mock.setMode({ kind: 'status', status: 529 });
    const overloaded = await client().messages.create({ model: 'm', max_tokens: 5, messages: [] }).catch((e: unknown) => e);
    mock.setMode({ kind: 'ok' });
    // WHEN max_tokens is missing, and tokens are counted
    const bad = await fetch(`${mock.url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'm', messages: [] }) });
    const counted = await client().messages.countTokens({ model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
    // THEN errors carry {"type":"error","error":{type,message}} and the count is positive
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});
