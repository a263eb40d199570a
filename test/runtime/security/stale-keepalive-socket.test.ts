import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletion, listenUpstream, metricValue, postChat, startProxyWith, yamlFor, type LoopbackUpstream, type SecuredProxy } from './loopback';

/**
 * A raw HTTP/1.1 upstream: the first request of each connection is answered
 * with keep-alive; a second request on the same connection finds it already
 * closed (the socket is destroyed on arrival, as an upstream whose idle
 * timeout just fired does). Counts connections and requests answered.
 */
async function upstreamClosingIdleSockets(): Promise<LoopbackUpstream & { connections: () => number; answered: () => number }> {
  let connections = 0;
  let answered = 0;
  const server = createServer((socket: Socket) => {
    connections += 1;
    let served = 0;
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      if (served > 0) {
        socket.destroy();
        return;
      }
      buffer += chunk.toString('latin1');
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      served += 1;
      answered += 1;
      const body = chatCompletion('fresh');
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=600\r\n\r\n${body}`);
    });
    socket.on('error', () => undefined);
  });
  const upstream = await listenUpstream(server);
  return { ...upstream, connections: () => connections, answered: () => answered };
}

describe('a stale keep-alive socket is not the upstream\'s failure', () => {
  let upstream: Awaited<ReturnType<typeof upstreamClosingIdleSockets>> | undefined;
  let running: SecuredProxy | undefined;
  afterEach(async () => {
    await running?.close();
    await upstream?.close();
    running = undefined;
    upstream = undefined;
  });

  it('retries once on a fresh connection, serves from the same upstream and leaves its breaker alone', async () => {
    // GIVEN one upstream that closes every connection after its first answer, a breaker that opens on one failure
    upstream = await upstreamClosingIdleSockets();
    running = await startProxyWith(yamlFor([{ name: 'primary', url: upstream.url }]));
    // WHEN two requests go one after the other (the second reuses the first's pooled connection)
    const first = await postChat(running.proxy.url);
    expect(first.status).toBe(200);
    await first.text();
    const second = await postChat(running.proxy.url);
    // THEN the second is served by the same upstream in one attempt, over a new connection
    expect(second.status).toBe(200);
    expect(((await second.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('fresh');
    expect(second.headers.get('x-failover-upstream')).toBe('primary');
    expect(second.headers.get('x-failover-attempts')).toBe('1');
    expect(upstream.answered()).toBe(2);
    expect(upstream.connections()).toBe(2);
    // AND the breaker counted no failure, and no connection_error attempt was recorded
    const status = running.proxy.engine.upstreamStatus()[0]!;
    expect(status).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(metricValue(await running.metrics(), 'ai_failover_upstream_attempts_total', 'outcome="connection_error"')).toBe(0);
  });

  it('counts a failure that repeats on the fresh connection against the upstream', async () => {
    // GIVEN an upstream that accepts connections and destroys every one on the first request
    const server = createServer((socket: Socket) => {
      socket.on('data', () => socket.destroy());
      socket.on('error', () => undefined);
    });
    const broken = await listenUpstream(server);
    running = await startProxyWith(yamlFor([{ name: 'primary', url: broken.url }]));
    // WHEN a request goes through
    const res = await postChat(running.proxy.url);
    // THEN it fails (502) and the breaker counts it
    expect(res.status).toBe(502);
    expect(running.proxy.engine.upstreamStatus()[0]!.state).toBe('open');
    await broken.close();
  });
});
