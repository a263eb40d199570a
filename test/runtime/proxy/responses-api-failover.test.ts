import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { MOCK_ROUTES } from '../../../runtime/mock/mock-routes';
import { startMockUpstream, type MockMode, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import { HEADERS } from '../../../src/contract';
import { CLIENT_KEY, mockUpstreamsConfig, startRunningProxy, type StartedProxy } from '../../support/running-proxy';

/** Primary faults a Responses client must never see. */
const PRIMARY_FAULTS: ReadonlyArray<readonly [string, MockMode]> = [
  ['503', { kind: 'status', status: 503 }],
  ['a reset connection', { kind: 'reset' }],
  ['a hang', { kind: 'hang' }],
];

describe('POST /v1/responses through the proxy with the openai SDK', () => {
  let mocks: MockUpstream[] = [];
  let proxy: StartedProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await Promise.all(mocks.map((m) => m.close()));
    mocks = [];
  });

  const start = async (primary: MockMode = { kind: 'ok' }): Promise<OpenAI> => {
    mocks = [await startMockUpstream({ name: 'primary' }), await startMockUpstream({ name: 'backup' })];
    mocks[0].setMode(primary);
    proxy = await startRunningProxy(mockUpstreamsConfig(mocks));
    return new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
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
    expect(mocks[0].requests).toBe(1);
  });

  it('makes responses.stream throw an APIError when the stream breaks after content flowed', async () => {
    // GIVEN one upstream whose stream breaks after its first text delta
    mocks = [await startMockUpstream({ name: 'primary' })];
    mocks[0].setMode({ kind: 'broken-stream', afterChunks: 5 });
    proxy = await startRunningProxy(mockUpstreamsConfig(mocks));
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
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
    mocks = [
      await startMockUpstream({ name: 'primary', routes: MOCK_ROUTES.filter((r) => r.path !== '/responses') }),
      await startMockUpstream({ name: 'backup' }),
    ];
    proxy = await startRunningProxy(mockUpstreamsConfig(mocks, { circuitBreaker: { failureThreshold: 1 } }));
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    // WHEN two responses are created
    await client.responses.create({ model: 'gpt-4.1', input: 'one' });
    const { response } = await client.responses.create({ model: 'gpt-4.1', input: 'two' }).withResponse();
    // THEN the backup served both and the primary's breaker stayed closed (it was asked both times)
    expect(response.headers.get(HEADERS.upstream)).toBe('backup');
    expect(mocks[0].requests).toBe(2);
    expect(proxy.proxy.engine.upstreamStatus().find((u) => u.name === 'primary')?.state).toBe('closed');
  });
});
