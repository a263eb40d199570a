import { afterEach, describe, expect, it } from 'vitest';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { PATHS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { configFor, postJson, startMocks, startTestProxy, type TestProxy } from '../../support/proxy-harness';
import { chatChunk, startScriptedUpstream, type ScriptedUpstream } from '../../support/scripted-upstream';

const STREAM = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] };
/** 2 MiB of one event that never ends (no blank line), sent in 64 KiB pieces, the connection kept open. */
const HUGE_PIECES = 32;

describe('an upstream SSE event that never ends is capped (limits.maxStreamEventBytes)', () => {
  let proxy: TestProxy | undefined;
  let scripted: ScriptedUpstream | undefined;
  let mocks: MockUpstream[] = [];
  afterEach(async () => {
    await proxy?.close();
    await scripted?.close();
    await Promise.all(mocks.map((m) => m.close()));
    proxy = undefined;
    scripted = undefined;
    mocks = [];
  });

  const hugeEventAfter = (prefix: string) => (_req: unknown, res: import('node:http').ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(prefix);
    res.write('data: {"choices":[{"index":0,"delta":{"content":"');
    for (let i = 0; i < HUGE_PIECES; i++) res.write('x'.repeat(64 * 1024));
    // and then nothing: no terminator, the connection stays open
  };

  it('ends the stream with an error frame once content flowed, and aborts the upstream request', async () => {
    // GIVEN an upstream that sends its first content and then one 2 MiB event without a terminator, capped at 1 MiB
    scripted = await startScriptedUpstream(hugeEventAfter(chatChunk({ role: 'assistant', content: '' }) + chatChunk({ content: 'Hello' })));
    proxy = await startTestProxy(configFor([], {
      upstreams: [{ name: 'primary', baseUrl: scripted.url }],
      limits: { maxStreamEventBytes: 1024 * 1024 },
      timeouts: { streamIdleSeconds: 30, firstTokenSeconds: 5, requestSeconds: 5, deadlineSeconds: 30 },
    }));
    // WHEN a stream is requested
    const res = await postJson(proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN the client got the content and then an upstream_event_too_large error event, never a clean end
    const events = res.text.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(JSON.parse(events[1].slice(6)).choices[0].delta.content).toBe('Hello');
    expect(JSON.parse(events.at(-1)!.slice(6)).error.code).toBe('upstream_event_too_large');
    expect(res.text).not.toContain('[DONE]');
    // AND the upstream request was aborted, and no stream stays open
    await eventually(() => expect(scripted!.aborted).toBe(1));
    expect(proxy.engine.openStreams()).toBe(0);
  });

  it('fails over with nothing sent when the oversized event comes before any content', async () => {
    // GIVEN a primary whose first event never ends, and a healthy backup
    scripted = await startScriptedUpstream(hugeEventAfter(''));
    mocks = await startMocks(1);
    proxy = await startTestProxy(configFor([], {
      upstreams: [{ name: 'primary', baseUrl: scripted.url, priority: 0 }, { name: 'backup', baseUrl: mocks[0].url, priority: 1 }],
      limits: { maxStreamEventBytes: 1024 * 1024 },
      timeouts: { firstTokenSeconds: 5, requestSeconds: 5, deadlineSeconds: 30 },
    }));
    // WHEN a stream is requested
    const res = await postJson(proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN the backup's whole stream arrives, nothing of the primary's
    expect(res.headers.get('x-failover-upstream')).toBe('backup');
    expect(res.text).toContain('[DONE]');
    expect(res.text).not.toContain('xxxx');
  });
});
