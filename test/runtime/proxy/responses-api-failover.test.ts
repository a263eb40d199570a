import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { MOCK_ROUTES } from '../../../runtime/mock/mock-routes';
import { startMockUpstream, type MockMode } from '../../../runtime/mock/mock-upstream';
import { HEADERS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { CLIENT_KEY, mockUpstreamsConfig, startRunningProxy, type StartedProxy } from '../../support/running-proxy';

/** Primary faults a Responses client must never see. */
const PRIMARY_FAULTS: ReadonlyArray<readonly [string, MockMode]> = [
  ['503', { kind: 'status', status: 503 }],
  ['a reset connection', { kind: 'reset' }],
  ['a hang', { kind: 'hang' }],
];

describe('POST /v1/responses through the proxy with the openai SDK', () => {
  const fx = useProxyFixture<StartedProxy>();

  const start = async (primary: MockMode = { kind: 'ok' }): Promise<OpenAI> => {
    fx.mocks = [await startMockUpstream({ name: 'primary' }), await startMockUpstream({ name: 'backup' })];
    fx.mocks[0].setMode(primary);
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks));
    return new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${fx.proxy.url}/v1`, maxRetries: 0 });
  };

  for (const [fault, mode] of PRIMARY_FAULTS) {
    it(`answers responses.create from the backup when the primary fails with ${fault}`, async () => {
      // GIVEN a failing primary and a healthy backup
      const client = await start(mode);
      // WHEN a response is created
      const { data, response } = await client.responses.create({ model: 'gpt-4.1', input: 'hello' }).withResponse();
      // THEN the backup answers, priced, with the failover headers
      expect(data.output_text).toBe('Hello from the mock upstream.');
      expect(response.headers.get(HEADERS.upstream)).toBe('backup');
      expect(Number(response.headers.get(HEADERS.costUsd))).toBeGreaterThan(0);
    });

    it(`streams with responses.stream from the backup when the primary fails with ${fault}`, async () => {
      // GIVEN a failing primary and a healthy backup
      const client = await start(mode);
      // WHEN a response is streamed
      const stream = client.responses.stream({ model: 'gpt-4.1', input: 'hello' });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      const final = await stream.finalResponse();
      // THEN one whole stream arrives, from the backup, without an error
      expect(final.output_text).toBe('Hello from the mock upstream.');
      expect(types.filter((t) => t === 'response.created')).toHaveLength(1);
      expect(types.at(-1)).toBe('response.completed');
    });
  }

  it('fails a stream over when the primary breaks after its lifecycle events, with nothing of it sent', async () => {
    // GIVEN a primary that sends response.created and response.in_progress, then breaks
    const client = await start({ kind: 'broken-stream', afterChunks: 2 });
    // WHEN a response is streamed
    const stream = client.responses.stream({ model: 'gpt-4.1', input: 'hello' });
    const created: string[] = [];
    for await (const event of stream) if (event.type === 'response.created') created.push(event.response.id);
    const final = await stream.finalResponse();
    // THEN the client saw only the backup's stream (one response.created, the backup's id)
    expect(created).toEqual([final.id]);
    expect(final.output_text).toBe('Hello from the mock upstream.');
    expect(fx.mocks[0].requests).toBe(1);
  });

  it('makes responses.stream throw an APIError when the stream breaks after content flowed', async () => {
    // GIVEN one upstream whose stream breaks after its first text delta
    fx.mocks = [await startMockUpstream({ name: 'primary' })];
    fx.mocks[0].setMode({ kind: 'broken-stream', afterChunks: 5 });
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks));
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${fx.proxy.url}/v1`, maxRetries: 0 });
    // WHEN the stream is read
    const deltas: string[] = [];
    const read = (async () => {
      for await (const event of client.responses.stream({ model: 'gpt-4.1', input: 'hello' })) if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    })();
    // THEN the text that came is kept and the SDK raises the proxy's error event, never a clean end
    await expect(read).rejects.toThrow(/upstream_stream_broken|broke after output started/);
    expect(deltas).toEqual(['Hello']);
  });

  it('tries the next upstream when one answers 404 on /responses, without counting it against that upstream', async () => {
    // GIVEN a primary that serves only Chat Completions (404 on /responses) and a full backup
    fx.mocks = [
      await startMockUpstream({ name: 'primary', routes: MOCK_ROUTES.filter((r) => r.path !== '/responses') }),
      await startMockUpstream({ name: 'backup' }),
    ];
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks, { circuitBreaker: { failureThreshold: 1 } }));
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${fx.proxy.url}/v1`, maxRetries: 0 });
    // WHEN two responses are created
    await client.responses.create({ model: 'gpt-4.1', input: 'one' });
    const { response } = await client.responses.create({ model: 'gpt-4.1', input: 'two' }).withResponse();
    // THEN the backup served both and the primary's breaker stayed closed (it was asked both times)
    expect(response.headers.get(HEADERS.upstream)).toBe('backup');
    expect(fx.mocks[0].requests).toBe(2);
    expect(fx.proxy.proxy.engine.upstreamStatus().find((u) => u.name === 'primary')?.state).toBe('closed');
  });
});
