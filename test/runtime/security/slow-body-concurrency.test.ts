import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletion, postChat, startProxyWith, startUpstream, yamlFor, type LoopbackUpstream, type SecuredProxy } from './loopback';
import { eventually } from '../../support/eventually';

/**
 * Opens a connection that sends a request's headers (asking for
 * `100 Continue`, which Node answers when its handler has run) and one body
 * byte of the 200 it announces, then stalls. Resolves once the proxy saw it.
 */
function stallingSender(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.write([
      'POST /v1/chat/completions HTTP/1.1',
      'Host: proxy',
      'Content-Type: application/json',
      'Content-Length: 200',
      'Expect: 100-continue',
      '', '',
    ].join('\r\n'));
    socket.once('data', (chunk: Buffer) => {
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 100')) {
        reject(new Error(`expected 100 Continue, received ${chunk.toString('latin1').slice(0, 40)}`));
        return;
      }
      socket.write('{');
      resolve(socket);
    });
  });
}

describe('slow request bodies do not take the concurrency slots', () => {
  let upstream: LoopbackUpstream | undefined;
  let running: SecuredProxy | undefined;
  const senders: Socket[] = [];
  afterEach(async () => {
    senders.splice(0).forEach((s) => s.destroy());
    await running?.close();
    await upstream?.close();
    running = undefined;
    upstream = undefined;
  });

  it('serves a complete request while more slow senders than the limit are still sending', async () => {
    // GIVEN a proxy limited to 2 concurrent requests
    upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(chatCompletion('served'));
    });
    running = await startProxyWith(yamlFor([{ name: 'primary', url: upstream.url }], ['limits: {maxConcurrentRequests: 2}']));
    const port = Number(new URL(running.proxy.url).port);
    // AND 4 connections that sent headers and one body byte, and stall
    for (let i = 0; i < 4; i++) senders.push(await stallingSender(port));
    // WHEN a client sends a whole request
    const res = await postChat(running.proxy.url);
    // THEN it is served, not refused as overloaded
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('served');
  });

  it('still refuses requests over the limit once their bodies are complete', async () => {
    // GIVEN a proxy limited to 1 concurrent request over an upstream that holds its answers
    const held: (() => void)[] = [];
    upstream = await startUpstream((_req, res) => {
      held.push(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(chatCompletion('late'));
      });
    });
    running = await startProxyWith(yamlFor([{ name: 'primary', url: upstream.url }], ['limits: {maxConcurrentRequests: 1}', 'timeouts: {requestSeconds: 10}']));
    // WHEN one request waits on the upstream and a second arrives whole
    const first = postChat(running.proxy.url);
    await eventually(() => expect(held).toHaveLength(1));
    const second = await postChat(running.proxy.url);
    // THEN the second gets 503 server_overloaded and the first is served
    expect(second.status).toBe(503);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('server_overloaded');
    held.forEach((release) => release());
    expect((await first).status).toBe(200);
  });
});
