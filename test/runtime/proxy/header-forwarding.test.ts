import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../../runtime/proxy/upstreams/forward-headers';
import { PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, startMocks, startTestProxy } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('headers between client and upstream', () => {
  const fx = useProxyFixture();

  it('strips hop-by-hop headers and those named in Connection, and never forwards the client key', async () => {
    // GIVEN one upstream
    fx.mocks = await startMocks(1);
    fx.proxy = await startTestProxy(configFor(fx.mocks));
    // WHEN a request carries hop-by-hop headers (raw http to control them)
    const url = new URL(PATHS.chatCompletions, fx.proxy.origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'authorization': 'Bearer client-secret-key',
          'connection': 'keep-alive, x-private-hop',
          'x-private-hop': 'secret',
          'proxy-authorization': 'Basic abc',
          'te': 'trailers',
          'x-kept': 'yes',
        },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify(CHAT));
    });
    // THEN the upstream sees none of them, and its own key
    expect(status).toBe(200);
    const headers = fx.mocks[0].received[0].headers;
    expect(headers['x-private-hop']).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers.te).toBeUndefined();
    expect(headers['x-kept']).toBe('yes');
    expect(headers.authorization).toBe('Bearer sk-upstream-test');
    expect(JSON.stringify(fx.mocks[0].received)).not.toContain('client-secret-key');
  });

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
