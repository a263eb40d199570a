import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';

describe('startMockUpstream', () => {
  let mock: MockUpstream | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${mock!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers chat completions with deterministic usage and counts requests', async () => {
    // GIVEN a mock on a free loopback port
    mock = await startMockUpstream({ name: 'm1' });
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    // WHEN the same request is sent twice
    const body = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'abc' }] };
    const a = (await (await post('/chat/completions', body)).json()) as { usage: { prompt_tokens: number; total_tokens: number } };
    const b = (await (await post('/chat/completions', body)).json()) as { usage: { prompt_tokens: number } };
    // THEN usage is the same both times and the counter and log see both
    expect(a.usage.prompt_tokens).toBe(b.usage.prompt_tokens);
    expect(a.usage.total_tokens).toBeGreaterThan(a.usage.prompt_tokens);
    expect(mock.requests).toBe(2);
    expect(mock.received[1]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
  });

  it('streams SSE chunks ending with [DONE], with a usage chunk only when asked', async () => {
    // GIVEN a mock
    mock = await startMockUpstream();
    // WHEN streams are requested with and without include_usage
    const plain = await (await post('/chat/completions', { model: 'x', stream: true, messages: [] })).text();
    const withUsage = await (await post('/chat/completions', { model: 'x', stream: true, stream_options: { include_usage: true }, messages: [] })).text();
    // THEN both end with [DONE]; only the second has a choices: [] usage chunk
    const events = (t: string) => t.split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
    expect(events(plain).at(-1)).toBe('[DONE]');
    expect(events(plain).some((e) => e.includes('"usage"'))).toBe(false);
    const usageChunk = JSON.parse(events(withUsage).at(-2)!);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('switches modes at run time: status with Retry-After, reset, then back to ok', async () => {
    // GIVEN a mock answering 429 with Retry-After
    mock = await startMockUpstream();
    mock.setMode({ kind: 'status', status: 429, retryAfterSeconds: 4 });
    const limited = await post('/chat/completions', { model: 'x', messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
    // WHEN switched to reset
    mock.setMode({ kind: 'reset' });
    // THEN the connection is dropped
    await expect(post('/chat/completions', { model: 'x', messages: [] })).rejects.toThrow();
    // WHEN reset() is called
    mock.reset();
    // THEN it answers ok again with counters at zero before the call
    expect(mock.requests).toBe(0);
    expect((await post('/chat/completions', { model: 'x', messages: [] })).status).toBe(200);
  });

  it('breaks a stream after N chunks without [DONE]', async () => {
    // GIVEN a broken-stream mock
    mock = await startMockUpstream();
    mock.setMode({ kind: 'broken-stream', afterChunks: 2 });
    // WHEN a stream is read
    const response = await post('/chat/completions', { model: 'x', stream: true, messages: [] });
    let text = '';
    const decoder = new TextDecoder();
    const read = async (): Promise<void> => {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
    };
    // THEN reading fails after the 2 chunks, and [DONE] never came
    await expect(read()).rejects.toThrow();
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(2);
    expect(text).not.toContain('[DONE]');
  });

  it('serves GET /models and embeddings', async () => {
    // GIVEN a mock with one model
    mock = await startMockUpstream({ models: ['only-model'] });
    // WHEN models and embeddings are asked
    const models = (await (await fetch(`${mock.url}/models`)).json()) as { data: { id: string }[] };
    const emb = (await (await post('/embeddings', { model: 'only-model', input: 'hi' })).json()) as { data: unknown[] };
    // THEN both answer
    expect(models.data.map((m) => m.id)).toEqual(['only-model']);
    expect(emb.data).toHaveLength(1);
  });
});
