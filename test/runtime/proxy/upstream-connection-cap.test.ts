import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dispatcherPlan } from '../../../runtime/proxy/upstreams/upstream-pool';
import { PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { postJson, startTestProxy, testConfig } from '../../support/proxy-harness';

const CHAT = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('the connection cap of an upstream pool', () => {
  const fx = useProxyFixture();

  it('defaults to 128 connections per upstream, directly and through an egress proxy', () => {
    // GIVEN an upstream without a cap, reached directly and through a proxy
    const direct = testConfig({ upstreams: [{ name: 'primary', baseUrl: 'https://api.example.com/v1' }] });
    const proxied = testConfig({ upstreams: [{ name: 'primary', baseUrl: 'https://api.example.com/v1' }], egress: { httpsProxy: 'http://proxy.corp:3128' } });
    // WHEN / THEN both dispatchers are capped at 128
    expect(dispatcherPlan(direct.upstreams[0], direct).options).toMatchObject({ connections: 128 });
    expect(dispatcherPlan(proxied.upstreams[0], proxied).options).toMatchObject({ connections: 128 });
  });

  it('opens no more than maxConnections sockets to the upstream, queueing the other requests', async () => {
    // GIVEN an upstream that holds answers until two requests are waiting, and a cap of 2
    const sockets = new Set<Socket>();
    const held: ServerResponse[] = [];
    const answer = (res: ServerResponse): void => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }));
    };
    let released = false;
    const upstream = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      sockets.add(req.socket);
      if (released) return answer(res);
      held.push(res);
      if (held.length === 2) {
        released = true;
        held.splice(0).forEach(answer);
      }
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
    fx.cleanups.push(() => new Promise<void>((resolve) => {
      upstream.closeAllConnections();
      upstream.close(() => resolve());
    }));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    fx.proxy = await startTestProxy(testConfig({ upstreams: [{ name: 'primary', baseUrl: url, maxConnections: 2 }] }));
    // WHEN six requests are sent at once
    const replies = await Promise.all(Array.from({ length: 6 }, () => postJson(fx.proxy!.origin, PATHS.chatCompletions, CHAT)));
    // THEN all are answered over two connections
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(sockets.size).toBe(2);
  });

  it('refuses a cap below 1 naming the field', () => {
    // GIVEN / WHEN / THEN a cap of 0 is refused
    expect(() => testConfig({ upstreams: [{ name: 'primary', baseUrl: 'https://api.example.com/v1', maxConnections: 0 }] })).toThrow(/upstreams\.0\.maxConnections/);
  });
});
