import { describe, expect, it } from 'vitest';
import { postChat, type SecuredProxy, startOverAnsweringUpstream, useLoopbackFixture } from './loopback';

const SPOOFED = {
  'x-forwarded-for': '203.0.113.7',
  'x-real-ip': '203.0.113.7',
  'forwarded': 'for=203.0.113.7;proto=https',
  'via': '1.1 evil-proxy',
};

describe('forwarding headers follow the trusted-proxy policy', () => {
  const fx = useLoopbackFixture();

  const start = (extra: string[] = []): Promise<SecuredProxy> => startOverAnsweringUpstream(fx, extra);

  it('drops the forwarding headers of an untrusted client and sets X-Forwarded-For from the socket', async () => {
    // GIVEN no trusted proxies (the default)
    const { proxy } = await start();
    // WHEN a client sends spoofed forwarding headers
    expect((await postChat(proxy.url, {}, SPOOFED)).status).toBe(200);
    // THEN the upstream sees only the socket's address
    const sent = fx.upstream!.received[0]!.headers;
    expect(sent['x-forwarded-for']).toBe('127.0.0.1');
    expect(sent['x-real-ip']).toBeUndefined();
    expect(sent.forwarded).toBeUndefined();
    expect(sent.via).toBeUndefined();
  });

  it('keeps the forwarding headers of a trusted proxy and appends the socket address', async () => {
    // GIVEN the loopback range as a trusted proxy
    const { proxy } = await start(['server: {trustedProxyCidrs: ["127.0.0.0/8", "10.0.0.0/8"]}']);
    // WHEN the trusted peer forwards a client's request
    expect((await postChat(proxy.url, {}, SPOOFED)).status).toBe(200);
    // THEN its headers go on and the socket address is appended to X-Forwarded-For
    const sent = fx.upstream!.received[0]!.headers;
    expect(sent['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(sent['x-real-ip']).toBe('203.0.113.7');
    expect(sent.forwarded).toBe('for=203.0.113.7;proto=https');
    expect(sent.via).toBe('1.1 evil-proxy');
  });

  it('rate-limits an open proxy by the socket address, whatever X-Forwarded-For an untrusted client claims', async () => {
    // GIVEN an open proxy (no client keys) allowing 1 request per minute per client
    const { proxy } = await start(['rateLimit: {requestsPerMinute: 1}']);
    // WHEN one client sends two requests claiming two different addresses
    const first = await postChat(proxy.url, {}, { 'x-forwarded-for': '198.51.100.1' });
    const second = await postChat(proxy.url, {}, { 'x-forwarded-for': '198.51.100.2' });
    // THEN the second is limited: both came from the same socket address
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
  });

  it('rate-limits by the forwarded client address when the peer is a trusted proxy', async () => {
    // GIVEN an open proxy behind a trusted proxy, 1 request per minute per client
    const { proxy } = await start(['rateLimit: {requestsPerMinute: 1}', 'server: {trustedProxyCidrs: ["127.0.0.1/32"]}']);
    // WHEN the trusted proxy forwards two different clients, then the first again
    const a = await postChat(proxy.url, {}, { 'x-forwarded-for': '198.51.100.1' });
    const b = await postChat(proxy.url, {}, { 'x-forwarded-for': '198.51.100.2, 127.0.0.1' });
    const again = await postChat(proxy.url, {}, { 'x-forwarded-for': '198.51.100.1' });
    // THEN each client has its own bucket (trusted hops are skipped from the right)
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(again.status).toBe(429);
  });

  it('refuses a config whose trusted proxy is not a CIDR, naming the field and value', async () => {
    // GIVEN a bad CIDR
    // WHEN the proxy starts
    // THEN it fails naming server.trustedProxyCidrs.0 and the value
    await expect(start(['server: {trustedProxyCidrs: ["10.0.0.0/33"]}'])).rejects.toThrow(/server\.trustedProxyCidrs\.0: .*\(received "10\.0\.0\.0\/33"\)/);
  });
});
