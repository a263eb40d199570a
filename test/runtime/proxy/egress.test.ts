import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { bypassesProxy, dispatcherPlan, trustedCas } from '../../../runtime/proxy/upstreams/upstream-pool';
import { HEADERS, PATHS, parseProxyConfig } from '../../../src/contract';
import { configFor, postJson, startMocks, startTestProxy, type TestProxy } from '../../support/proxy-harness';

/** A tiny CONNECT proxy on 127.0.0.1:0 that counts tunnels. */
async function startConnectProxy(): Promise<{ url: string; tunnels: () => number; authorizations: string[]; close: () => Promise<void> }> {
  let tunnels = 0;
  const authorizations: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket) => {
    tunnels += 1;
    authorizations.push(String(req.headers['proxy-authorization'] ?? ''));
    const [host, port] = (req.url ?? '').split(':');
    const target = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      target.pipe(client);
      client.pipe(target);
    });
    sockets.add(client).add(target);
    target.on('error', () => client.destroy());
    client.on('error', () => target.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels: () => tunnels,
    authorizations,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('ProxyEngine corporate egress', () => {
  let mocks: MockUpstream[] = [];
  let proxy: TestProxy | undefined;
  let egress: Awaited<ReturnType<typeof startConnectProxy>> | undefined;

  afterEach(async () => {
    await proxy?.close();
    await egress?.close();
    await Promise.all(mocks.map((m) => m.close()));
    proxy = undefined;
    egress = undefined;
    mocks = [];
  });

  it('sends upstream calls through egress.httpsProxy', async () => {
    // GIVEN an upstream reachable through a CONNECT proxy
    mocks = await startMocks(1);
    egress = await startConnectProxy();
    proxy = await startTestProxy(configFor(mocks, { egress: { httpsProxy: egress.url } }));
    // WHEN a request is sent
    const res = await postJson(proxy.origin, PATHS.chatCompletions, { model: 'gpt-4.1', messages: [] });
    // THEN it succeeds through a tunnel
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
    expect(egress.tunnels()).toBeGreaterThanOrEqual(1);
  });

  it('bypasses the proxy for hosts in noProxy', async () => {
    // GIVEN the upstream host listed in noProxy
    mocks = await startMocks(1);
    egress = await startConnectProxy();
    proxy = await startTestProxy(configFor(mocks, { egress: { httpsProxy: egress.url, noProxy: 'localhost,127.0.0.1' } }));
    // WHEN a request is sent
    const res = await postJson(proxy.origin, PATHS.chatCompletions, { model: 'gpt-4.1', messages: [] });
    // THEN it goes direct
    expect(res.status).toBe(200);
    expect(egress.tunnels()).toBe(0);
  });

  it('accepts a proxy URL with credentials and sends them as Proxy-Authorization', async () => {
    // GIVEN a CONNECT proxy configured with user-info, as corporate proxies are
    mocks = await startMocks(1);
    egress = await startConnectProxy();
    const withCredentials = egress.url.replace('http://', 'http://svc-user:p%40ss@');
    proxy = await startTestProxy(configFor(mocks, { egress: { httpsProxy: withCredentials } }));
    // WHEN a request is sent
    const res = await postJson(proxy.origin, PATHS.chatCompletions, { model: 'gpt-4.1', messages: [] });
    // THEN it goes through the tunnel with Basic credentials
    expect(res.status).toBe(200);
    expect(egress.authorizations[0]).toBe(`Basic ${Buffer.from('svc-user:p@ss').toString('base64')}`);
  });
});

describe('upstream TLS trust and proxy options', () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB-extra-ca\n-----END CERTIFICATE-----\n';
  const config = (egress: Record<string, string>) => {
    const parsed = parseProxyConfig({ upstreams: [{ name: 'primary', baseUrl: 'https://api.example.test/v1' }], egress });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    return parsed.config;
  };

  it('adds a CA bundle to Node\'s default roots instead of replacing them', () => {
    // GIVEN a CA bundle
    // WHEN the trusted CAs are built
    const cas = trustedCas(PEM)!;
    // THEN the default roots are all there, plus the bundle
    expect(cas.length).toBeGreaterThan(100);
    expect(cas.at(-1)).toBe(PEM);
    expect(trustedCas(undefined)).toBeUndefined();
  });

  it('trusts the bundle for direct upstreams and for both TLS legs through the proxy', () => {
    // GIVEN a CA bundle path, with and without a corporate proxy
    const readCa = () => PEM;
    // WHEN the dispatcher plans are built
    const direct = dispatcherPlan(config({ caBundlePath: '/etc/ca.pem' }).upstreams[0], config({ caBundlePath: '/etc/ca.pem' }), readCa);
    const proxied = config({ caBundlePath: '/etc/ca.pem', httpsProxy: 'https://proxy.corp.test:3128' });
    const viaProxy = dispatcherPlan(proxied.upstreams[0], proxied, readCa);
    // THEN every TLS leg trusts the default roots plus the bundle
    expect(direct.kind).toBe('direct');
    const directCa = (direct.options.connect as { ca: string[] }).ca;
    expect(directCa.at(-1)).toBe(PEM);
    expect(directCa.length).toBeGreaterThan(100);
    expect(viaProxy.kind).toBe('proxy');
    if (viaProxy.kind !== 'proxy') return;
    expect((viaProxy.options.requestTls as { ca: string[] }).ca.at(-1)).toBe(PEM);
    expect((viaProxy.options.proxyTls as { ca: string[] }).ca.at(-1)).toBe(PEM);
  });

  it('honours NO_PROXY entries', () => {
    expect(bypassesProxy('api.internal.corp', '.internal.corp,localhost')).toBe(true);
    expect(bypassesProxy('localhost', 'localhost')).toBe(true);
    expect(bypassesProxy('api.holysheep.ai', 'internal.corp')).toBe(false);
    expect(bypassesProxy('x', '*')).toBe(true);
  });
});
