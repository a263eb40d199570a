import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletion, metricValue, postChat, startProxyWith, startUpstream, yamlFor, type LoopbackUpstream, type SecuredProxy } from './loopback';
import { eventually } from '../../support/eventually';

const GAUGE = 'ai_failover_buffered_request_bytes';
const MIB = 1024 * 1024;

function portOf(running: SecuredProxy): number {
  return Number(new URL(running.proxy.url).port);
}

/** Opens a connection that declares a `declared`-byte chat body and sends only `sent` bytes of it, then waits. */
function slowSender(port: number, declared: number, sent: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n\r\n`);
  socket.write(Buffer.alloc(sent, 0x20));
  return socket;
}

describe('request bodies still arriving count against one pod-wide budget (limits.maxBufferedRequestBytes)', () => {
  let upstream: LoopbackUpstream | undefined;
  let running: SecuredProxy | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await running?.close();
    await upstream?.close();
    running = undefined;
    upstream = undefined;
  });

  it('refuses body bytes over the budget with 503 server_overloaded and Retry-After, and frees the budget when the sender leaves', async () => {
    // GIVEN a 2 MiB budget, and two slow senders holding 1.8 MiB of bodies that never finish
    upstream = await startUpstream((_req, res) => res.end(chatCompletion('hi')));
    running = await startProxyWith(yamlFor([{ name: 'primary', url: upstream.url }], ['limits: {maxBodyBytes: 1048576, maxBufferedRequestBytes: 2097152}']));
    sockets.push(slowSender(portOf(running), MIB, 900 * 1024), slowSender(portOf(running), MIB, 900 * 1024));
    await eventually(async () => expect(metricValue(await running!.metrics(), GAUGE)).toBe(1800 * 1024));
    // WHEN a client sends a 300 KiB body that does not fit
    const refused = await postChat(running.proxy.url, { padding: 'x'.repeat(300 * 1024) });
    // THEN it is refused fast, OpenAI-shaped, with a Retry-After
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('server_overloaded');
    expect(error.message).toContain('limits.maxBufferedRequestBytes');
    // AND a small body still fits
    expect((await postChat(running.proxy.url)).status).toBe(200);
    // AND once the slow senders leave, their bytes are given back and the big body goes through
    for (const s of sockets.splice(0)) s.destroy();
    await eventually(async () => expect(metricValue(await running!.metrics(), GAUGE)).toBe(0));
    expect((await postChat(running.proxy.url, { padding: 'x'.repeat(300 * 1024) })).status).toBe(200);
  });

  it('answers in the route\'s error shape on /v1/messages', async () => {
    // GIVEN a budget held by a slow sender
    upstream = await startUpstream((_req, res) => res.end('{}'));
    running = await startProxyWith(yamlFor([{ name: 'primary', url: upstream.url }], ['limits: {maxBodyBytes: 1048576, maxBufferedRequestBytes: 1048576}']));
    sockets.push(slowSender(portOf(running), MIB, 1000 * 1024));
    await eventually(async () => expect(metricValue(await running!.metrics(), GAUGE)).toBe(1000 * 1024));
    // WHEN an Anthropic client sends a body that does not fit
    const res = await fetch(`${running.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4.5', max_tokens: 8, messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] }),
    });
    // THEN the refusal is Anthropic-shaped
    expect(res.status).toBe(503);
    const body = (await res.json()) as { type: string; error: { type: string } };
    expect(body.type).toBe('error');
    expect(res.headers.get('retry-after')).toBe('1');
  });
});
