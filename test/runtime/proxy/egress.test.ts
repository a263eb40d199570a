import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { HEADERS, PATHS } from '../../../src/contract';
import { configFor, postJson, startMocks, startTestProxy, type TestProxy } from '../../support/proxy-harness';

/** A tiny CONNECT proxy on 127.0.0.1:0 that counts tunnels. */
async function startConnectProxy(): Promise<{ url: string; tunnels: () => number; close: () => Promise<void> }> {
  let tunnels = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket) => {
    tunnels += 1;
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
});
