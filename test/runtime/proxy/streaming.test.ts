import { request } from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { HEADERS, PATHS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, postJson, startMocks, startTestProxy } from '../../support/proxy-harness';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream';

const STREAM = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'stream please' }] };

/** Splits an SSE body into its `data:` payloads. */
function dataEvents(text: string): string[] {
  return text.split('\n\n').filter((e) => e.startsWith('data:')).map((e) => e.slice(5).trim());
}

describe('ProxyEngine streaming', () => {
  const fx = useProxyFixture();

  it('relays a stream, prices it, and hides the usage chunk the client did not ask for', async () => {
    // GIVEN a healthy upstream
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a streamed chat completion is sent without stream_options
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN the client sees every chunk and [DONE] but no usage-only chunk
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
    const events = dataEvents(res.text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.slice(0, -1).every((e) => JSON.parse(e).choices.length === 1)).toBe(true);
    // AND the upstream was asked for usage, which is reported
    expect(JSON.parse(fx.mocks[0].received[0].body).stream_options).toEqual({ include_usage: true });
    const finished = fx.proxy.events.of('requestFinished')[0];
    expect(finished.usage?.completionTokens).toBeGreaterThan(0);
    expect(finished.costUsd).toBeGreaterThan(0);
    expect(finished.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(fx.proxy.events.of('streamOpened')).toHaveLength(1);
    expect(fx.proxy.events.of('streamClosed')).toHaveLength(1);
  });

  it('keeps the usage chunk when the client asked for it', async () => {
    // GIVEN a healthy upstream
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN the client asks for include_usage
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, { ...STREAM, stream_options: { include_usage: true } });
    // THEN the usage chunk reaches it
    const usage = dataEvents(res.text).filter((e) => e !== '[DONE]').map((e) => JSON.parse(e)).find((e) => e.usage);
    expect(usage.choices).toEqual([]);
  });

  it('ends a stream that breaks after output started with an SSE error event', async () => {
    // GIVEN a primary whose stream breaks after 2 chunks, and a healthy backup
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'broken-stream', afterChunks: 2 });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a stream is requested
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN output from the primary is followed by an error event, never [DONE], no failover
    const events = dataEvents(res.text);
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1)!).error.code).toBe('upstream_stream_broken');
    expect(events.length).toBe(3);
    expect(fx.mocks[1].requests).toBe(0);
  });

  it('fails over a stream that fails before its first byte', async () => {
    // GIVEN a primary that sends stream headers then resets before any chunk
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'stream-stall', resetAfterMs: 20 });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a stream is requested
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN the backup serves the whole stream
    expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
    expect(res.headers.get(HEADERS.attempts)).toBe('2');
    expect(dataEvents(res.text).at(-1)).toBe('[DONE]');
  });

  it('aborts the upstream request as soon as the client disconnects', async () => {
    // GIVEN a slow stream
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'slow-stream', chunkDelayMs: 200 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { streamIdleSeconds: 5, deadlineSeconds: 10 } }));
    // WHEN the client reads the first chunk and hangs up
    const url = new URL(PATHS.chatCompletions, fx.proxy.origin);
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.setTimeout(3000, () => reject(new Error('no first chunk within 3 s')));
      req.end(JSON.stringify(STREAM));
    });
    // THEN the mock sees its response connection closed early, and the stream count returns to 0
    await eventually(() => expect(fx.mocks[0].aborted).toBe(1));
    await eventually(() => expect(fx.proxy!.engine.openStreams()).toBe(0));
  });

  it('abortStreams ends open streams with server_shutting_down', async () => {
    // GIVEN a slow stream in progress
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'slow-stream', chunkDelayMs: 150 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { streamIdleSeconds: 5, deadlineSeconds: 10 } }));
    const pending = postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    await eventually(() => expect(fx.proxy!.engine.openStreams()).toBe(1));
    // WHEN the engine drains
    fx.proxy.engine.abortStreams('shutdown');
    // THEN the client's stream ends with an error event
    const res = await pending;
    expect(JSON.parse(dataEvents(res.text).at(-1)!).error.code).toBe('server_shutting_down');
    expect(fx.proxy.engine.openStreams()).toBe(0);
  });

  it('works with the openai SDK for plain and streamed completions', async () => {
    // GIVEN the proxy in front of a failing primary and a healthy backup
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'status', status: 502 });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    const client = new OpenAI({ baseURL: `${fx.proxy.origin}/v1`, apiKey: 'client-key-123', maxRetries: 0, timeout: 5000 });
    // WHEN a plain and a streamed completion are made
    const plain = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    // THEN both succeed via the backup
    expect(plain.choices[0].message.content).toBe('Hello from the mock upstream.');
    expect(text).toBe('Hello from the mock upstream.');
  });

  it('makes the openai SDK throw on a stream that broke mid-way', async () => {
    // GIVEN a stream that breaks after its role chunk and one content chunk
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'broken-stream', afterChunks: 2 });
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    const client = new OpenAI({ baseURL: `${fx.proxy.origin}/v1`, apiKey: 'client-key-123', maxRetries: 0, timeout: 5000 });
    // WHEN the SDK reads the stream
    const read = async (): Promise<void> => {
      const stream = await client.chat.completions.create({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const _chunk of stream) {
        // consume
      }
    };
    // THEN it does not look complete: the SDK raises the error
    await expect(read()).rejects.toThrow(/broke after output started/);
  });
  it('fails over when the first token does not come in time', async () => {
    // GIVEN a primary that sends stream headers and then nothing, first-token timeout 0.2 s
    fx.mocks = await startMocks(2);
    fx.mocks[0].setMode({ kind: 'stream-stall' });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { firstTokenSeconds: 0.2, requestSeconds: 1, deadlineSeconds: 5 } }));
    // WHEN a stream is requested
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN the backup serves it and the primary's attempt is reported as a timeout
    expect(res.headers.get(HEADERS.upstream)).toBe('backup_1');
    expect(fx.proxy.events.of('attemptFinished')[0]).toMatchObject({ upstream: 'primary', outcome: 'timeout' });
  });

  it('ends a stream that goes silent for longer than the idle timeout with an error event', async () => {
    // GIVEN chunks 600 ms apart, an idle timeout of 0.2 s and time enough for the first content
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'slow-stream', chunkDelayMs: 600 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { streamIdleSeconds: 0.2, firstTokenSeconds: 2, deadlineSeconds: 5 } }));
    // WHEN a stream is requested
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN the role chunk and the first content arrive, then an upstream_timeout error event, never [DONE]
    const events = dataEvents(res.text);
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[2]).error.code).toBe('upstream_timeout');
  });

  it('keeps a stream open for longer than the idle timeout as long as each chunk comes within it', async () => {
    // GIVEN chunks 120 ms apart (the mock's answer has several words: well over 0.3 s in all) and an idle timeout of 0.3 s
    fx.mocks = await startMocks(1);
    fx.mocks[0].setMode({ kind: 'slow-stream', chunkDelayMs: 120 });
    fx.proxy = await startTestProxy(configFor(fx.mocks, { timeouts: { streamIdleSeconds: 0.3, firstTokenSeconds: 2, deadlineSeconds: 10 } }));
    // WHEN a stream is requested
    const started = performance.now();
    const res = await postJson(fx.proxy.origin, PATHS.chatCompletions, STREAM);
    // THEN it took longer than one idle period and ended cleanly, with no error event
    expect(performance.now() - started).toBeGreaterThan(300);
    const events = dataEvents(res.text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(res.text).not.toContain('upstream_timeout');
  });
});

describe('the end of a relayed stream', () => {
  const fx = useProxyFixture();
  let upstream: RawUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  it('reaches the client at once when the upstream keeps its response open after the end event', async () => {
    // GIVEN an upstream that sends a whole stream, [DONE] included, and then neither ends nor closes
    const frame = (delta: Record<string, unknown>, finish: string | null = null): string =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    upstream = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(frame({ role: 'assistant', content: '' }) + frame({ content: 'Hello' }));
      setTimeout(() => res.write(`${frame({}, 'stop')}data: [DONE]\n\n`), 50);
    });
    fx.proxy = await startTestProxy(`upstreams: [{name: primary, baseUrl: "${upstream.url}"}]\ntimeouts: {streamIdleSeconds: 5, deadlineSeconds: 10}\n`);
    // WHEN a client streams and reads until [DONE]
    const started = performance.now();
    const res = await fetch(`${fx.proxy.origin}${PATHS.chatCompletions}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(STREAM),
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('[DONE]')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    // THEN [DONE] came long before the stream idle timeout (5 s) could end the upstream request
    expect(text).toContain('Hello');
    expect(text).toContain('[DONE]');
    expect(performance.now() - started).toBeLessThan(2000);
    await reader.cancel();
  });
});
