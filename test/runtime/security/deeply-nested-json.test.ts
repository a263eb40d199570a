import { describe, expect, it } from 'vitest';
import { postChat, type SecuredProxy, startOverAnsweringUpstream, useLoopbackFixture } from './loopback';
import { filterModelList } from '../../../runtime/proxy/upstreams/models-filter';

/** `[[[ ... ]]]` nested `depth` levels. */
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('deeply nested JSON is refused with a 400', () => {
  const fx = useLoopbackFixture();

  const start = (extra: string[] = []): Promise<SecuredProxy> => startOverAnsweringUpstream(fx, extra);

  it.each([
    ['chat completions', '/v1/chat/completions'],
    ['embeddings', '/v1/embeddings'],
    ['completions', '/v1/completions'],
    ['responses', '/v1/responses'],
    ['anthropic messages', '/v1/messages'],
  ])('refuses a small body nested 100 000 levels deep on %s, without calling the upstream', async (_label, path) => {
    // GIVEN a proxy with the default nesting limit
    const { proxy } = await start();
    // WHEN a 200 KB body nests arrays 100 000 levels deep
    const res = await fetch(`${proxy.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"model":"gpt-4.1","input":"x","max_tokens":5,"messages":[],"extra":${nested(100_000)}}`,
    });
    // THEN it gets a 400 in the route's error shape naming the limit, not a 500
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code?: string; message: string; type: string } };
    if (path === '/v1/messages') {
      expect(body.error.type).toBe('invalid_request_error');
    } else {
      expect(body.error.code).toBe('json_too_deep');
      expect(body.error.type).toBe('invalid_request_error');
    }
    expect(body.error.message).toContain('limits.maxJsonDepth (64 levels)');
    expect(fx.upstream!.received).toHaveLength(0);
  });

  it('accepts nesting up to limits.maxJsonDepth and refuses one level more', async () => {
    // GIVEN limits.maxJsonDepth: 10
    const { proxy } = await start(['limits: {maxJsonDepth: 10}']);
    // WHEN two bodies nest 10 and 11 levels (the body object is level 1)
    const ok = await postChat(proxy.url, { extra: JSON.parse(nested(9)) });
    const tooDeep = await postChat(proxy.url, { extra: JSON.parse(nested(10)) });
    // THEN the first is served and the second refused
    expect(ok.status).toBe(200);
    expect(tooDeep.status).toBe(400);
    expect(((await tooDeep.json()) as { error: { message: string } }).error.message).toBe('request body nests deeper than limits.maxJsonDepth (10 levels)');
  });
});

describe('a deeply nested upstream model list is not re-serialized', () => {
  it('passes the list on unfiltered instead of overflowing the stack', () => {
    // GIVEN a model list nested 100 000 levels deep and an upstream that restricts its models
    const body = Buffer.from(`{"object":"list","data":[{"id":"gpt-4.1","extra":${nested(100_000)}}]}`);
    const upstreams = [{ name: 'primary', baseUrl: 'http://127.0.0.1:1/v1', models: ['gpt-4.1'], modelRewrites: {} }] as never;
    // WHEN it is filtered
    // THEN it comes back as it was, no RangeError
    expect(filterModelList(body, upstreams)).toBe(body);
  });
});
