import { describe, expect, it } from 'vitest';
import { classifyStatus, parseRetryAfterMs } from '../../../runtime/proxy/attempts/failure-classifier';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../../runtime/proxy/upstreams/forward-headers';
import { matchRoute } from '../../../runtime/proxy/intake/routes';
import { SseUsageFilter } from '../../../runtime/proxy/response/sse-usage-filter';
import { bypassesProxy } from '../../../runtime/proxy/upstreams/upstream-pool';

describe('SseUsageFilter', () => {
  it('joins events split across chunks, records usage and strips the usage-only chunk', () => {
    // GIVEN a filter that strips the usage chunk
    const filter = new SseUsageFilter(true);
    // WHEN events arrive split at odd places
    const text = 'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5}}\n\ndata: [DONE]\n\n';
    let out = '';
    for (let i = 0; i < text.length; i += 7) out += filter.push(text.slice(i, i + 7));
    out += filter.flush();
    // THEN everything but the usage chunk passes, and usage is known
    expect(out).toBe('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n');
    expect(filter.usage).toEqual({ promptTokens: 3, completionTokens: 5 });
    expect(filter.sawDone).toBe(true);
  });

  it('keeps a multi-byte character whole when a chunk boundary splits it', () => {
    // GIVEN an event with multi-byte UTF-8 text, cut in the middle of each character
    const filter = new SseUsageFilter(true);
    const bytes = Buffer.from('data: {"choices":[{"delta":{"content":"héllo 世界 🙂"}}]}\n\n', 'utf8');
    // WHEN it arrives one byte at a time
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += filter.push(bytes.subarray(i, i + 1));
    out += filter.flush();
    // THEN the client gets the same text, with no replacement characters
    expect(out).toBe(bytes.toString('utf8'));
    expect(out).not.toContain('\uFFFD');
  });

  it('keeps the usage chunk when the client asked for it', () => {
    const filter = new SseUsageFilter(false);
    const event = 'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\n';
    expect(filter.push(event)).toBe(event);
    expect(filter.usage).toEqual({ promptTokens: 1, completionTokens: 2 });
  });
});

describe('failure classification', () => {
  it('counts only 5xx and 429 as upstream failures', () => {
    expect([200, 400, 401, 404, 413, 422, 429, 500, 503].map(classifyStatus)).toEqual([
      'success', 'client_error', 'client_error', 'client_error', 'client_error', 'client_error', 'rate_limited', 'server_error', 'server_error',
    ]);
  });

  it('parses Retry-After seconds and dates, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('5', now, 30_000)).toBe(5000);
    expect(parseRetryAfterMs('999', now, 30_000)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now, 30_000)).toBe(10_000);
    expect(parseRetryAfterMs('soon', now, 30_000)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now, 30_000)).toBeUndefined();
  });
});

describe('header forwarding', () => {
  it('replaces the client key, drops hop-by-hop and Connection-named headers, keeps traceparent', () => {
    const out = upstreamRequestHeaders(
      { 'authorization': 'Bearer client', 'connection': 'x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'traceparent': 't', 'host': 'evil.example' },
      'upstream-key', 'rid', 10,
    );
    expect(out).toMatchObject({ 'authorization': 'Bearer upstream-key', 'traceparent': 't', 'x-request-id': 'rid', 'content-length': '10' });
    expect(out['x-hop']).toBeUndefined();
    expect(out['keep-alive']).toBeUndefined();
    expect(out.host).toBeUndefined();
  });

  it('drops hop-by-hop and the proxy-owned headers from upstream responses', () => {
    const out = clientResponseHeaders({ 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'x-failover-upstream': 'fake', 'location': 'http://elsewhere' });
    expect(out).toEqual({ 'content-type': 'application/json' });
  });
});

describe('routes and egress', () => {
  it('matches only the fixed routes, ignoring the query string', () => {
    expect(matchRoute('/v1/chat/completions?x=http://evil')?.subPath).toBe('chat/completions');
    expect(matchRoute('/v1/chat/completions/../../admin')).toBeUndefined();
    expect(matchRoute('//evil.example/v1/models')).toBeUndefined();
  });

  it('honours NO_PROXY entries', () => {
    expect(bypassesProxy('api.internal.corp', '.internal.corp,localhost')).toBe(true);
    expect(bypassesProxy('localhost', 'localhost')).toBe(true);
    expect(bypassesProxy('api.holysheep.ai', 'internal.corp')).toBe(false);
    expect(bypassesProxy('x', '*')).toBe(true);
  });
});
