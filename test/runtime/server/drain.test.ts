import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeEngineFactory, type FakeEngine } from './fake-engine';
import { startProxy, type RunningProxy } from '../../../runtime/server/start-proxy';

describe('drain (in-process)', () => {
  let dir: string;
  let proxy: RunningProxy | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drain-'));
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>): Promise<{ p: RunningProxy; engine: FakeEngine }> => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, 'upstreams: [{name: primary, baseUrl: "http://127.0.0.1:9/v1"}]\n');
    const factory = fakeEngineFactory();
    proxy = await startProxy({
      env,
      configPath: path,
      host: '127.0.0.1',
      port: 0,
      metricsPort: 0,
      createEngine: factory.create,
      logDestination: new Writable({ write: (_c, _e, done) => done() }),
    });
    return { p: proxy, engine: factory.engine() };
  };
  const openStream = (url: string) => fetch(`${url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', stream: true }),
  });

  it('goes unready at once, keeps serving during the delay, and aborts a stream still open at the drain timeout', async () => {
    // GIVEN an open stream
    const { p, engine } = await start({ SHUTDOWN_DELAY: '0.3', DRAIN_TIMEOUT: '0.3' });
    const stream = await openStream(p.url);
    expect(stream.status).toBe(200);
    // WHEN SIGTERM's drain starts
    const drained = p.drain();
    // THEN readiness is 503 while liveness stays 200 and new requests are still served
    expect((await fetch(`${p.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${p.url}/health/live`)).status).toBe(200);
    const during = await fetch(`${p.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"gpt-4.1"}' });
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');
    // AND after the drain timeout the stream ends with an SSE error event
    const result = await drained;
    expect(result).toEqual({ abortedStreams: 1, clean: false });
    expect(engine.aborted).toHaveLength(1);
    const text = await stream.text();
    const errorEvent = text.split('\n\n').find((e) => e.startsWith('data: {"error"'));
    expect(errorEvent).toBeDefined();
    expect(JSON.parse(errorEvent!.slice('data: '.length)).error.code).toBe('server_shutting_down');
    expect(text).not.toContain('event: error');
    // AND the listener is closed
    await expect(fetch(`${p.url}/health/live`)).rejects.toThrow();
  });

  it('lets a stream that finishes within the drain timeout end normally', async () => {
    // GIVEN an open stream and a generous drain timeout
    const { p, engine } = await start({ SHUTDOWN_DELAY: '0', DRAIN_TIMEOUT: '5' });
    const stream = await openStream(p.url);
    // WHEN the drain starts and the stream then finishes
    const drained = p.drain();
    setTimeout(() => engine.endStreams(), 100);
    // THEN nothing is aborted and the client got the whole stream
    expect(await drained).toEqual({ abortedStreams: 0, clean: true });
    expect(await stream.text()).toContain('data: [DONE]');
    expect(engine.aborted).toEqual([]);
  });
});
