/**
 * The mock serves what its route table lists: a route added to the table
 * (a new API format) is answered with the fault modes applied and its own
 * error shape; other paths get 404, other methods 405.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReply, type MockRoute } from '../../../runtime/mock/mock-reply';
import { MOCK_ROUTES } from '../../../runtime/mock/mock-routes';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';

/** A route of another API shape: its own path, JSON, SSE with event names, and error body. */
const echoRoute: MockRoute = {
  method: 'POST',
  path: /^\/echo\/[a-z]+$/,
  readsJson: true,
  answer: ({ path, body, mock }) => (body.stream === true
    ? { kind: 'sse', events: [{ event: 'echo_start', data: '{"n":1}' }, { event: 'echo_stop', data: '{"n":2}' }] }
    : jsonReply(200, { path, said: body.say, by: mock.name, request: mock.requestNumber })),
  errorBody: (status, message, code) => ({ type: 'error', error: { type: code, message, status } }),
};

describe('the mock route table', () => {
  let mock: MockUpstream | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });
  const post = (path: string, body: unknown): Promise<Response> => fetch(`${mock!.url}${path}`, { method: 'POST', body: JSON.stringify(body) });

  it('answers a route added to the table in JSON and as SSE with event names', async () => {
    // GIVEN a mock with the OpenAI routes and one more
    mock = await startMockUpstream({ name: 'm', routes: [...MOCK_ROUTES, echoRoute] });
    // WHEN the new route is called, plain and streamed
    const plain = await post('/echo/abc', { say: 'hi' });
    const streamed = await (await post('/echo/abc', { stream: true })).text();
    // THEN it answers with what the route returned, and the OpenAI routes still work
    expect(await plain.json()).toEqual({ path: '/echo/abc', said: 'hi', by: 'm', request: 1 });
    expect(streamed).toBe('event: echo_start\ndata: {"n":1}\n\nevent: echo_stop\ndata: {"n":2}\n\n');
    expect((await post('/chat/completions', { model: 'x', messages: [] })).status).toBe(200);
  });

  it('applies the fault modes to an added route with that route\'s error shape', async () => {
    // GIVEN the added route and a mock answering 529, then breaking streams after one event
    mock = await startMockUpstream({ routes: [echoRoute] });
    mock.setMode({ kind: 'status', status: 529 });
    // WHEN the route is called
    const failed = await post('/echo/abc', {});
    // THEN the error is in the route's own shape
    expect(failed.status).toBe(529);
    expect(await failed.json()).toEqual({ type: 'error', error: { type: 'mock_529', message: 'mock mock answers 529', status: 529 } });
    // WHEN the stream breaks after one event
    mock.setMode({ kind: 'broken-stream', afterChunks: 1 });
    const res = await post('/echo/abc', { stream: true });
    // THEN the first event arrives and then the connection drops
    await expect(res.text()).rejects.toThrow();
    // AND invalid JSON is refused in the route's shape too
    mock.setMode({ kind: 'ok' });
    const bad = await fetch(`${mock.url}/echo/abc`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_json' } });
  });

  it('answers 404 for a path no route serves and 405 for a served path with another method', async () => {
    // GIVEN the OpenAI routes
    mock = await startMockUpstream();
    // WHEN an unknown path and a wrong method are used
    const unknown = await post('/nothing', {});
    const wrongMethod = await fetch(`${mock.url}/embeddings`);
    // THEN OpenAI-shaped 404 and 405
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { message: 'no route POST /nothing', type: 'invalid_request_error', param: null, code: 'not_found' } });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });
});
