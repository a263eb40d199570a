import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { postChat, startProxyWith, startUpstream, useLoopbackFixture, yamlFor } from './loopback';

/**
 * Sends `head`, then one byte of `trickle` every 100 ms (at most 100 bytes)
 * until the server closes the connection. Resolves with the ms from the first
 * write to the close (or null when the server never closed) and what it sent back.
 */
function trickle(port: number, head: string, trickleText: string): Promise<{ closedAfterMs: number | null; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= 100) {
        clearInterval(timer);
        socket.destroy();
        resolve({ closedAfterMs: null, answer });
        return;
      }
      socket.write(trickleText[sent % trickleText.length]!);
      sent += 1;
    }, 100);
    socket.on('data', (c: Buffer) => { answer += c.toString('utf8'); });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
    socket.write(head);
  });
}

describe('slow-client timeouts fire within about a second of their setting', () => {
  const fx = useLoopbackFixture();

  const start = async (limits: string): Promise<number> => {
    fx.upstream = await startUpstream((_req, res) => res.end('{}'));
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }], [limits]));
    return Number(new URL(fx.running.proxy.url).port);
  };

  it('closes a connection trickling its headers soon after headersTimeoutSeconds', async () => {
    // GIVEN headersTimeoutSeconds: 2
    const port = await start('limits: {headersTimeoutSeconds: 2, requestBodyTimeoutSeconds: 4}');
    // WHEN a client sends its headers one byte every 100 ms, never finishing them
    const result = await trickle(port, 'POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n');
    // THEN the proxy closes it after about 2 s (not at Node's 30 s check), with a 408
    expect(result.closedAfterMs).not.toBeNull();
    expect(result.closedAfterMs!).toBeGreaterThanOrEqual(1900);
    expect(result.closedAfterMs!).toBeLessThan(3500);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection trickling its body soon after requestBodyTimeoutSeconds', async () => {
    // GIVEN requestBodyTimeoutSeconds: 3
    const port = await start('limits: {headersTimeoutSeconds: 1, requestBodyTimeoutSeconds: 3}');
    // WHEN a client sends whole headers and then its body one byte every 100 ms
    const result = await trickle(
      port,
      'POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n',
      '{"model":"gpt-4.1","messages":[{"role":"user","content":"' + 'a'.repeat(400),
    );
    // THEN the proxy closes it after about 3 s
    expect(result.closedAfterMs).not.toBeNull();
    expect(result.closedAfterMs!).toBeGreaterThanOrEqual(2900);
    expect(result.closedAfterMs!).toBeLessThan(4500);
  });

  it('keeps serving clients that send at a normal pace', async () => {
    // GIVEN the same short timeouts
    await start('limits: {headersTimeoutSeconds: 1, requestBodyTimeoutSeconds: 2}');
    // WHEN a client sends a whole request
    const res = await postChat(fx.running!.proxy.url);
    // THEN it is answered
    expect(res.status).toBe(200);
  });
});
