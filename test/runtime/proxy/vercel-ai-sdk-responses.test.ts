import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { startMockUpstream, type MockMode } from '../../../runtime/mock/mock-upstream';
import { useProxyFixture } from '../../support/proxy-fixture';
import { CLIENT_KEY, mockUpstreamsConfig, startRunningProxy, type StartedProxy } from '../../support/running-proxy';

/** Primary faults an AI SDK app must never see. */
const PRIMARY_FAULTS: ReadonlyArray<readonly [string, MockMode]> = [
  ['503', { kind: 'status', status: 503 }],
  ['a reset connection', { kind: 'reset' }],
  ['a hang', { kind: 'hang' }],
  ['its lifecycle events then a break', { kind: 'broken-stream', afterChunks: 3 }],
];

describe('the Vercel AI SDK\'s default openai(\'gpt-4.1\') (Responses API) through the proxy', () => {
  const fx = useProxyFixture<StartedProxy>();

  const start = async (primary: MockMode): Promise<ReturnType<typeof createOpenAI>> => {
    fx.mocks = [await startMockUpstream({ name: 'primary' }), await startMockUpstream({ name: 'backup' })];
    fx.mocks[0].setMode(primary);
    fx.proxy = await startRunningProxy(mockUpstreamsConfig(fx.mocks));
    return createOpenAI({ apiKey: CLIENT_KEY, baseURL: `${fx.proxy.url}/v1` });
  };

  for (const [fault, mode] of PRIMARY_FAULTS) {
    it(`generateText and streamText answer when the primary fails with ${fault}`, async () => {
      // GIVEN a failing primary and a healthy backup, and the AI SDK's default provider model
      const openai = await start(mode);
      // WHEN text is generated and streamed, the SDK's own retries off
      const generated = await generateText({ model: openai('gpt-4.1'), prompt: 'hello', maxRetries: 0 });
      const errors: unknown[] = [];
      const streamed = streamText({ model: openai('gpt-4.1'), prompt: 'hello', maxRetries: 0, onError: ({ error }) => { errors.push(error); } });
      let text = '';
      for await (const delta of streamed.textStream) text += delta;
      // THEN both answers are whole, usage included, and no error reached the app
      expect(generated.text).toBe('Hello from the mock upstream.');
      expect(generated.usage.inputTokens).toBeGreaterThan(0);
      expect(text).toBe('Hello from the mock upstream.');
      expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      // AND they went to /v1/responses
      expect(fx.mocks[1].received.map((r) => r.path).concat(fx.mocks[0].received.map((r) => r.path)).every((p) => p === '/v1/responses')).toBe(true);
    });
  }
});
