import { afterEach, describe, expect, it } from 'vitest';
import { MOCK_CONTROL, parseMockMode } from '../../../runtime/mock/mock-control';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';

describe('mock upstream control routes', () => {
  let mock: MockUpstream | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });
  const origin = (): string => `http://127.0.0.1:${mock!.port}`;
  const putMode = (body: string): Promise<Response> =>
    fetch(`${origin()}${MOCK_CONTROL.mode}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });

  it('GIVEN a mock WHEN PUT /__mock/mode sets status 503 THEN completions answer 503 and stats show the mode and count', async () => {
    mock = await startMockUpstream({ name: 'm1' });
    const put = await putMode(JSON.stringify({ kind: 'status', status: 503 }));
    expect(put.status).toBe(200);
    const chat = await fetch(`${mock.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [] }) });
    expect(chat.status).toBe(503);
    const stats = (await (await fetch(`${origin()}${MOCK_CONTROL.stats}`)).json()) as { name: string; requests: number; mode: unknown };
    expect(stats).toEqual({ name: 'm1', requests: 1, mode: { kind: 'status', status: 503 } });
    expect(mock.mode).toEqual({ kind: 'status', status: 503 });
  });

  it.each([
    ['not json', /body must be a JSON MockMode \(received "not json"\)/],
    ['{"kind":"explode"}', /kind must be one of .* \(received "explode"\)/],
    ['{"kind":"latency","ms":-1}', /ms must be a number >= 0 for kind "latency" \(received -1\)/],
  ])('GIVEN a bad body %s WHEN PUT /__mock/mode THEN 400 says why and the mode is unchanged', async (body, message) => {
    mock = await startMockUpstream();
    const res = await putMode(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    expect(mock.mode).toEqual({ kind: 'ok' });
    expect(mock.requests).toBe(0);
  });

  it('GIVEN parseMockMode WHEN given a valid stream mode THEN it returns it', () => {
    expect(parseMockMode({ kind: 'slow-stream', chunkDelayMs: 5 })).toEqual({ kind: 'slow-stream', chunkDelayMs: 5 });
    expect(parseMockMode({ kind: 'status', status: 42 })).toMatch(/status must be an HTTP status/);
  });
});
