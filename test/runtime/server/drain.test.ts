import { afterEach, describe, expect, it } from 'vitest';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { startMocks, startTestProxy, type TestProxy } from '../../support/proxy-harness';
import { chatChunk, startScriptedUpstream, type ScriptedUpstream } from '../../support/scripted-upstream';

describe('drain (in-process, real engine, a mock upstream)', () => {
  let mock: MockUpstream;
  let proxy: TestProxy | undefined;
  let scripted: ScriptedUpstream | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await mock?.close();
    await scripted?.close();
    scripted = undefined;
  });

  /** Starts the proxy over a mock that streams one chunk every `chunkDelayMs`. */
  const start = async (env: Record<string, string>, chunkDelayMs: number): Promise<{ p: TestProxy['running']; mock: MockUpstream }> => {
    [mock] = await startMocks(1);
    mock.setMode({ kind: 'slow-stream', chunkDelayMs });
    const yaml = `upstreams: [{name: primary, baseUrl: "${mock.url}"}]\ntimeouts: {streamIdleSeconds: 120}\n`;
    proxy = await startTestProxy(yaml, { env });
    return { p: proxy.running, mock };
  };
  const openStream = (url: string) => fetch(`${url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'stream please' }] }),
  });

  it('goes unready at once, keeps serving during the delay, and aborts a stream still open at the drain timeout', async () => {
    // GIVEN a stream held open by an upstream that sends its first content and then nothing (other requests get JSON)
    scripted = await startScriptedUpstream((req, res) => {
      if (req.headers['content-length'] !== undefined && Number(req.headers['content-length']) < 80) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x","object":"chat.completion","choices":[]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chatChunk({ role: 'assistant', content: '' }) + chatChunk({ content: 'Hello' }));
    });
    proxy = await startTestProxy(`upstreams: [{name: primary, baseUrl: "${scripted.url}"}]\ntimeouts: {streamIdleSeconds: 120}\n`, { env: { SHUTDOWN_DELAY: '0.3', DRAIN_TIMEOUT: '0.3' } });
    const p = proxy.running;
    const stream = await openStream(p.url);
    expect(stream.status).toBe(200);
    // WHEN SIGTERM's drain starts
    const drained = p.drain();
    // THEN readiness is 503 while liveness stays 200 and new requests are still served
    expect((await fetch(`${p.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${p.url}/health/live`)).status).toBe(200);
    const during = await fetch(`${p.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"gpt-4.1","messages":[]}' });
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');
    // AND after the drain timeout the stream ends with an SSE error event
    const result = await drained;
    expect(result).toEqual({ abortedStreams: 1, clean: false });
    const text = await stream.text();
    const errorEvent = text.split('\n\n').find((e) => e.startsWith('data: {"error"'));
    expect(errorEvent).toBeDefined();
    expect(JSON.parse(errorEvent!.slice('data: '.length)).error.code).toBe('server_shutting_down');
    expect(text).not.toContain('event: error');
    // AND the listener is closed
    await expect(fetch(`${p.url}/health/live`)).rejects.toThrow();
  });

  it('lets a stream that finishes within the drain timeout end normally', async () => {
    // GIVEN an open stream whose upstream sends a chunk every 20 ms, and a generous drain timeout
    const { p } = await start({ SHUTDOWN_DELAY: '0', DRAIN_TIMEOUT: '5' }, 20);
    const stream = await openStream(p.url);
    // WHEN the drain starts while the stream is still running
    const drained = p.drain();
    // THEN nothing is aborted and the client got the whole stream, without an error event
    expect(await drained).toEqual({ abortedStreams: 0, clean: true });
    const text = await stream.text();
    expect(text).toContain('data: [DONE]');
    expect(text).not.toContain('"error"');
  });
});
