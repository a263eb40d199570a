import { describe, expect, it } from 'vitest';
import { PATHS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi there, a longer prompt for a few chunks' }] };

describe('client disconnect mid-stream', () => {
  const fx = useProxyFixture();

  it('records a stream the client leaves after the first chunk as 499 client_closed_request', async () => {
    // GIVEN a slow stream, WHEN the client leaves after the first chunk, THEN the request is recorded as 499 client_closed_request
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'slow-stream', chunkDelayMs: 100 });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    const controller = new AbortController();
    const res = await fetch(`${fx.proxy.origin}${PATHS.chatCompletions}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CHAT), signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    const [finished] = await eventually(() => {
      const events = fx.proxy!.events.of('requestFinished');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(finished).toMatchObject({ status: 499, errorCode: 'client_closed_request', stream: true });
  });

  it('aborts the upstream request when a non-streaming client goes away', async () => {
    // GIVEN a primary that hangs
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'hang' });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { requestSeconds: 5, deadlineSeconds: 10 } }));
    // WHEN the client sends a request and disconnects once the upstream has it
    const controller = new AbortController();
    const req = fetch(`${fx.proxy.origin}${PATHS.chatCompletions}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...CHAT, stream: false }), signal: controller.signal,
    }).catch(() => undefined);
    await eventually(() => expect(fx.mocks[0].requests).toBe(1));
    controller.abort();
    await req;
    // THEN the upstream connection of that request is closed at once, and it is not counted as a failure
    await eventually(() => expect(fx.mocks[0].aborted).toBe(1));
    expect(fx.proxy.engine.upstreamStatus()[0].consecutiveFailures).toBe(0);
  });
});

describe('stream overhead accounting', () => {
  const fx = useProxyFixture();

  it('does not count the wait on a slow stream\'s upstream as proxy overhead', async () => {
    // GIVEN a slow stream, WHEN it is relayed to the end, THEN the upstream wait is not counted as proxy overhead
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'slow-stream', chunkDelayMs: 60 });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    const res = await fetch(`${fx.proxy.origin}${PATHS.chatCompletions}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CHAT) });
    await res.text();
    const [finished] = await eventually(() => {
      const events = fx.proxy!.events.of('requestFinished');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(finished.status).toBe(200);
    // the stream took several chunk delays; overhead is the proxy's own share, well under half of it
    expect(finished.durationMs).toBeGreaterThan(120);
    expect(finished.overheadMs).toBeLessThan(finished.durationMs / 2);
  });
});
