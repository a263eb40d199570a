import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { startMockUpstream, type MockMode } from '../../../runtime/mock/mock-upstream';
import { HEADERS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { CLIENT_KEY, mockUpstreamsConfig, startRunningProxy, UPSTREAM_KEY, type StartedProxy } from '../../support/running-proxy';

const TOOL = { name: 'get_weather', description: 'weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };
const ANTHROPIC = { format: 'anthropic' };

/** Primary faults an Anthropic SDK client must never see. */
const PRIMARY_FAULTS: ReadonlyArray<readonly [string, MockMode]> = [
  ['529', { kind: 'status', status: 529 }],
  ['a reset connection', { kind: 'reset' }],
  ['a hang', { kind: 'hang' }],
  ['message_start then a break', { kind: 'broken-stream', afterChunks: 1 }],
];

describe('POST /v1/messages through the proxy with the Anthropic SDK', () => {
  const fx = useProxyFixture<StartedProxy>();

  const start = async (primary: MockMode = { kind: 'ok' }): Promise<Anthropic> => {
    fx.mocks = [await startMockUpstream({ name: 'primary' }), await startMockUpstream({ name: 'backup' })];
    fx.mocks[0].setMode(primary);
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks, { upstreamFields: [ANTHROPIC, ANTHROPIC] }));
    return new Anthropic({ apiKey: CLIENT_KEY, baseURL: fx.proxy.url, maxRetries: 0 });
  };

  it('sends the upstream key as x-api-key with anthropic-version, never the client key', async () => {
    // GIVEN anthropic upstreams
    const client = await start();
    // WHEN a message is created with a beta header
    const { data, response } = await client.messages.create(
      { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] },
      { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } },
    ).withResponse();
    // THEN the answer is Anthropic's, and the upstream saw its own key, a version and the beta
    expect(data.content).toEqual([{ type: 'text', text: 'Hello from the mock upstream.' }]);
    expect(response.headers.get(HEADERS.upstream)).toBe('primary');
    const sent = fx.mocks[0].received[0];
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(JSON.stringify(sent.headers)).not.toContain(CLIENT_KEY);
  });

  for (const [fault, mode] of PRIMARY_FAULTS) {
    it(`answers messages.create and messages.stream (with tool use) without a client-visible error when the primary fails with ${fault}`, async () => {
      // GIVEN a failing primary and a healthy backup
      const client = await start(mode);
      // WHEN a message is created, and a tool-using message is streamed
      const created = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
      const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, tools: [TOOL], messages: [{ role: 'user', content: 'weather?' }] });
      const starts: string[] = [];
      for await (const event of stream) if (event.type === 'message_start') starts.push(event.message.id);
      const streamed = await stream.finalMessage();
      // THEN both come whole from the backup, one message_start only
      expect(created.content[0]).toEqual({ type: 'text', text: 'Hello from the mock upstream.' });
      expect(starts).toEqual([streamed.id]);
      expect(streamed.stop_reason).toBe('tool_use');
      expect(streamed.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'sample' } });
    });
  }

  it('makes messages.stream throw an APIError when the stream breaks after content flowed', async () => {
    // GIVEN one upstream whose stream breaks after its first text delta
    fx.mocks = [await startMockUpstream({ name: 'primary' })];
    fx.mocks[0].setMode({ kind: 'broken-stream', afterChunks: 4 });
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks, { upstreamFields: [ANTHROPIC] }));
    const client = new Anthropic({ apiKey: CLIENT_KEY, baseURL: fx.proxy.url, maxRetries: 0 });
    // WHEN the stream is read
    const texts: string[] = [];
    const read = (async () => {
      for await (const event of client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') texts.push(event.delta.text);
      }
    })();
    // THEN the text that came is kept and the SDK raises the proxy's Anthropic-shaped error event
    await expect(read).rejects.toBeInstanceOf(Anthropic.APIError);
    expect(texts).toEqual(['Hello']);
  });

  it('answers every upstream failing in Anthropic\'s error shape with the same status as the OpenAI routes', async () => {
    // GIVEN two upstreams answering 503
    const client = await start({ kind: 'status', status: 503 });
    fx.mocks[1].setMode({ kind: 'status', status: 503 });
    // WHEN a message is created
    const error = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    // THEN it is a 502 with {"type":"error","error":{type,message}}
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('all_upstreams_failed') } });
  });

  it('refuses a wrong key with 401 in Anthropic\'s shape and accepts the right one as x-api-key', async () => {
    // GIVEN the proxy with one client key
    await start();
    const client = new Anthropic({ apiKey: 'wrong-key-456', baseURL: fx.proxy!.url, maxRetries: 0 });
    // WHEN a message is created with another key
    const error = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    // THEN 401 authentication_error, and no upstream was asked
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(fx.mocks[0].requests).toBe(0);
    // AND the right key as x-api-key (how Anthropic clients send it) is accepted
    const withHeader = await fetch(`${fx.proxy!.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(withHeader.status).toBe(200);
    expect(fx.mocks[0].received[0].headers['x-api-key']).toBe(UPSTREAM_KEY);
  });

  it('counts tokens on the anthropic upstream', async () => {
    // GIVEN anthropic upstreams
    const client = await start();
    // WHEN tokens are counted
    const counted = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hello there' }] });
    // THEN the upstream's count comes back
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(fx.mocks[0].received[0].path).toBe('/v1/messages/count_tokens');
  });
});
