import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestProxy, testConfig, type TestProxy } from '../../support/proxy-harness';
import { ANTHROPIC_THINKING_TEXT_TWO_TOOLS, ANTHROPIC_TOOL_ANSWER } from './formats/translate/fixtures/anthropic-streams';
import { OPENAI_TEXT_TWO_TOOLS, OPENAI_TOOL_ANSWER } from './formats/translate/fixtures/openai-streams';
import { json, openingThenBreak, sse, startScriptedProvider, type ScriptedProvider } from './formats/translate/scripted-provider';
import { anthropicSdkMessage, openAISdkCompletion } from './formats/translate/sdk-accumulators';

const CLIENT_KEY = 'client-key-cross-format';
const UPSTREAM_KEY = 'sk-upstream-cross-format';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};

const OPENAI_503 = json(503, { error: { message: 'The server is overloaded', type: 'server_error', code: 'overloaded' } });
const ANTHROPIC_529 = json(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

const OPENAI_ROLE_CHUNK = `data: ${JSON.stringify({
  id: 'chatcmpl-dying', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
})}\n\n`;
const ANTHROPIC_MESSAGE_START = `event: message_start\ndata: ${JSON.stringify({
  type: 'message_start',
  message: { id: 'msg_dying', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } },
})}\n\nevent: ping\ndata: {"type": "ping"}\n\n`;

let providers: ScriptedProvider[] = [];
let proxy: TestProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await Promise.all(providers.map((p) => p.close()));
  providers = [];
});

/** A proxy in front of a primary and a backup of the given formats, gpt-4.1 rewritten to the backup's model. */
async function proxyFor(
  primary: ScriptedProvider, primaryFormat: 'openai' | 'anthropic', backup: ScriptedProvider, backupFormat: 'openai' | 'anthropic', backupModel: string,
  env: Record<string, string> = {}, backupFields: Record<string, unknown> = {},
): Promise<TestProxy> {
  providers.push(primary, backup);
  proxy = await startTestProxy(testConfig({
    upstreams: [
      { name: 'primary', baseUrl: primary.baseUrl, priority: 0, format: primaryFormat },
      { name: 'backup', baseUrl: backup.baseUrl, priority: 1, format: backupFormat, modelRewrites: { 'gpt-4.1': backupModel, 'claude-sonnet-4-5': backupModel }, ...backupFields },
    ],
    retries: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
    timeouts: { connectSeconds: 1, requestSeconds: 2, deadlineSeconds: 10, firstTokenSeconds: 2, streamIdleSeconds: 2 },
    auth: { clientKeys: [CLIENT_KEY] },
  }), { env: { HOLYSHEEP_API_KEY: UPSTREAM_KEY, ...env } });
  return proxy;
}

describe('a chat client failing over from an OpenAI-compatible primary to an Anthropic backup', () => {
  it('gets the Anthropic answer as a chat completion, tool call included, when the primary answers 503', async () => {
    // GIVEN a primary that answers 503 and an anthropic-format backup serving claude-sonnet-4-5
    const primary = await startScriptedProvider(OPENAI_503);
    const backup = await startScriptedProvider(json(200, ANTHROPIC_TOOL_ANSWER));
    const { origin } = await proxyFor(primary, 'openai', backup, 'anthropic', 'claude-sonnet-4-5');
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    // WHEN the openai SDK asks for gpt-4.1 with a tool
    const { data, response } = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in San Francisco?' }],
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
      max_completion_tokens: 500,
      seed: 42,
    }).withResponse();
    // THEN the backup answered, and the client got a chat completion with the tool call
    expect(response.headers.get('x-failover-upstream')).toBe('backup');
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].finish_reason).toBe('tool_calls');
    expect(data.choices[0].message.content).toBe('I\'ll look that up.');
    expect(data.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
    ]);
    expect(data.usage).toMatchObject({ prompt_tokens: 3119, completion_tokens: 503, prompt_tokens_details: { cached_tokens: 1024 } });
    // AND the backup was sent an Anthropic Messages request, with its key as x-api-key and the model rewritten
    const sent = backup.received[0];
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 500,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: 'Weather in San Francisco?' }],
      tools: [{ name: 'get_weather', description: 'Weather of a city', input_schema: WEATHER_TOOL.function.parameters }],
      tool_choice: { type: 'auto' },
    });
  });

  it('streams the Anthropic answer as chat chunks, tool-call argument deltas under their own index, when the primary sends a role chunk and breaks', async () => {
    // GIVEN a primary that sends its role chunk then drops the connection, and a backup streaming thinking, text and two tool calls
    const primary = await startScriptedProvider(openingThenBreak(OPENAI_ROLE_CHUNK));
    const backup = await startScriptedProvider(sse(ANTHROPIC_THINKING_TEXT_TWO_TOOLS));
    const { origin } = await proxyFor(primary, 'openai', backup, 'anthropic', 'claude-sonnet-4-5');
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    // WHEN the openai SDK streams
    const { data: stream, response } = await client.chat.completions.create({
      model: 'gpt-4.1', messages: [{ role: 'user', content: 'Weather and time in Paris?' }], tools: [WEATHER_TOOL], stream: true, stream_options: { include_usage: true },
    }).withResponse();
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    // THEN the backup served it, the primary's held-back role chunk never reached the client
    expect(response.headers.get('x-failover-upstream')).toBe('backup');
    expect(primary.received).toHaveLength(1);
    expect(chunks.filter((c) => c.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    expect(chunks.every((c) => c.id === 'msg_014p7gG3wDgGV9EUtLvnow3U')).toBe(true);
    // AND the tool-call fragments carry the call's own index (0 and 1, not Anthropic's blocks 2 and 3)
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect([...new Set(fragments.map((f) => f.index))]).toEqual([0, 1]);
    // AND the whole answer accumulates as the provider sent it
    const completion = await openAISdkCompletion(chunks.map((c) => ({ data: JSON.stringify(c) })));
    expect(completion.choices[0].message.content).toBe('Let me check both for you — ☀️ 🕐.');
    expect(completion.choices[0].message.tool_calls?.map((t) => (t.type === 'function' ? [t.function.name, JSON.parse(t.function.arguments)] : t.type))).toEqual([
      ['get_weather', { location: 'Paris, France', unit: 'celsius' }],
      ['get_time', { timezone: 'Europe/Paris' }],
    ]);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2620, completion_tokens: 89 });
    expect(backup.received[0].body).toMatchObject({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 4096 });
  });

  it('fails over from an Anthropic primary that sends an overloaded error event inside its 200 stream, before any content', async () => {
    // GIVEN an anthropic primary that opens the message and then reports overload in the stream, and an OpenAI-compatible backup
    const primary = await startScriptedProvider(sse(`${ANTHROPIC_MESSAGE_START}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`));
    const backup = await startScriptedProvider(sse(OPENAI_TEXT_TWO_TOOLS));
    const { origin } = await proxyFor(primary, 'anthropic', backup, 'openai', 'gpt-4.1');
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    // WHEN a chat client streams
    const { data: stream, response } = await client.chat.completions.create({
      model: 'gpt-4.1', messages: [{ role: 'user', content: 'Weather and time in Paris?' }], stream: true,
    }).withResponse();
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    // THEN the backup's answer is all the client saw
    expect(response.headers.get('x-failover-upstream')).toBe('backup');
    expect(chunks.every((c) => c.id === 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG')).toBe(true);
    const completion = await openAISdkCompletion(chunks.map((c) => ({ data: JSON.stringify(c) })));
    expect(completion.choices[0].message.tool_calls?.map((t) => t.id)).toEqual(['call_DdmO9pD3xa9XTPNJ32zg2hcA', 'call_ABC123xyz']);
    expect(primary.received[0].body).toMatchObject({ model: 'gpt-4.1', stream: true });
  });

  it('logs at debug level, with the request id, the client fields the translation dropped', async () => {
    // GIVEN an anthropic-format backup behind a failing primary, and the proxy logging at debug
    const primary = await startScriptedProvider(OPENAI_503);
    const backup = await startScriptedProvider(json(200, ANTHROPIC_TOOL_ANSWER));
    const started = await proxyFor(primary, 'openai', backup, 'anthropic', 'claude-sonnet-4-5', { LOG_LEVEL: 'debug' }, { defaultMaxTokens: 8192 });
    const client = new OpenAI({ baseURL: `${started.origin}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    // WHEN a chat request carries sampling hints Anthropic has no field for
    const { response } = await client.chat.completions.create({
      model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi', name: 'alice' }], seed: 7, frequency_penalty: 0.2,
    }).withResponse();
    // THEN one debug line names them, for the backup only
    const lines = started.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'client fields dropped in translation');
    expect(lines).toEqual([expect.objectContaining({
      level: 'debug', requestId: response.headers.get('x-request-id'), upstream: 'backup', format: 'anthropic', dropped: ['seed', 'frequency_penalty', 'messages[0].name'],
    })]);
    expect(backup.received[0].body).not.toHaveProperty('seed');
    // AND the request, which named no token limit, got the backup's defaultMaxTokens
    expect(backup.received[0].body).toMatchObject({ max_tokens: 8192 });
  });

  it('refuses with 400 naming the field a request the Anthropic backup cannot answer the same (n > 1)', async () => {
    // GIVEN only an anthropic-format upstream behind a failing primary
    const primary = await startScriptedProvider(OPENAI_503);
    const backup = await startScriptedProvider(json(200, ANTHROPIC_TOOL_ANSWER));
    const { origin } = await proxyFor(primary, 'anthropic', backup, 'anthropic', 'claude-sonnet-4-5');
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    // WHEN a chat request asks for two choices
    const error = await client.chat.completions.create({ model: 'gpt-4.1', n: 2, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    // THEN it is refused naming n, and no upstream was asked
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/n \(2\) cannot be sent to an anthropic-format upstream/);
    expect(primary.received).toHaveLength(0);
    expect(backup.received).toHaveLength(0);
  });
});

describe('an Anthropic SDK client failing over to an OpenAI-format region', () => {
  it('gets the region\'s chat completion as a Message, tool_use input parsed, when the Anthropic primary answers 529', async () => {
    // GIVEN an anthropic primary that is overloaded and an openai-format region serving the model under another name
    const primary = await startScriptedProvider(ANTHROPIC_529);
    const region = await startScriptedProvider(json(200, OPENAI_TOOL_ANSWER));
    const { origin } = await proxyFor(primary, 'anthropic', region, 'openai', 'claude-sonnet-4.5-region');
    const client = new Anthropic({ baseURL: origin, apiKey: CLIENT_KEY, maxRetries: 0 });
    // WHEN the Anthropic SDK asks for a message with a tool
    const { data: message, response } = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather in Boston?' }],
      tools: [{ name: 'get_current_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      tool_choice: { type: 'any' },
    }).withResponse();
    // THEN the region answered, as an Anthropic Message
    expect(response.headers.get('x-failover-upstream')).toBe('backup');
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'call_abc123', name: 'get_current_weather', input: { location: 'Boston, MA' } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 18, output_tokens: 17, cache_read_input_tokens: 64 },
    });
    // AND the region was sent a chat completion request with its key as a bearer token and the model rewritten
    const sent = region.received[0];
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent.headers['x-api-key']).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4.5-region',
      max_tokens: 300,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in Boston?' }],
      tools: [{ type: 'function', function: { name: 'get_current_weather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
      tool_choice: 'required',
    });
  });

  it('streams the region\'s chunks as Messages events, tool input whole, when the Anthropic primary sends message_start and breaks', async () => {
    // GIVEN an anthropic primary that opens the message then drops the connection, and a region streaming text and two tool calls
    const primary = await startScriptedProvider(openingThenBreak(ANTHROPIC_MESSAGE_START));
    const region = await startScriptedProvider(sse(OPENAI_TEXT_TWO_TOOLS));
    const { origin } = await proxyFor(primary, 'anthropic', region, 'openai', 'claude-sonnet-4.5-region');
    const client = new Anthropic({ baseURL: origin, apiKey: CLIENT_KEY, maxRetries: 0 });
    // WHEN the Anthropic SDK streams
    const { data: stream, response } = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      stream: true,
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }, { name: 'get_time', input_schema: { type: 'object' } }],
    }).withResponse();
    const events: Anthropic.Messages.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    // THEN the region served it, and the primary's held-back message_start never reached the client
    expect(response.headers.get('x-failover-upstream')).toBe('backup');
    expect(events.filter((e) => e.type === 'message_start')).toHaveLength(1);
    expect(events.map((e) => e.type).at(-1)).toBe('message_stop');
    // AND the SDK accumulates the region's answer: text, then two tool_use blocks with their input
    const message = await anthropicSdkMessage(events.map((e) => ({ event: e.type, data: JSON.stringify(e) })));
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking both — ☀️ 🕐.' },
      { type: 'tool_use', id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', input: { location: 'Paris, France' } },
      { type: 'tool_use', id: 'call_ABC123xyz', name: 'get_time', input: { timezone: 'Europe/Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 452, output_tokens: 77, cache_read_input_tokens: 2048 });
    expect(region.received[0].body).toMatchObject({ model: 'claude-sonnet-4.5-region', stream: true, stream_options: { include_usage: true } });
  });
});
