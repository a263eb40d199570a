import { describe, expect, it } from 'vitest';
import { postChat, startProxyWith, startUpstream, useLoopbackFixture, yamlFor } from './loopback';

describe('a body passed through unbuffered that breaks midway keeps its error code', () => {
  const fx = useLoopbackFixture();

  it('shows the socket code on the request line, the attempt line and /v1/status', async () => {
    // GIVEN an upstream whose 200 JSON body, over limits.maxResponseBytes, stops with a reset connection
    fx.upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100_000 });
      res.write(`{"padding":"${'x'.repeat(4096)}`);
      setTimeout(() => res.socket?.resetAndDestroy(), 50);
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }], ['retries: {maxRetries: 0}', 'limits: {maxResponseBytes: 1024}']));
    // WHEN a client asks and the body breaks after the headers went out
    await postChat(fx.running.proxy.url).then((r) => r.text()).catch(() => undefined);
    // THEN the code is where a failed attempt's code is
    const logs = fx.running.logs();
    const request = logs.find((l) => l.event === 'request' && l.route === '/v1/chat/completions');
    const attempt = logs.find((l) => l.event === 'attempt_failed');
    const code = request?.upstreamErrorCode;
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(code);
    expect(attempt).toMatchObject({ outcome: 'connection_error', errorCode: code });
    const status = (await (await fetch(`${fx.running.proxy.url}/v1/status`)).json()) as { upstreams: { lastError: unknown }[] };
    expect(status.upstreams[0]!.lastError).toMatchObject({ code, outcome: 'connection_error', status: 200 });
  });
});
