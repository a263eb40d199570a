import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PATHS } from '../../../src/contract';
import { eventually } from '../../support/eventually';
import { configFor, startTestProxy, type TestProxy } from '../../support/proxy-harness';
import { chatChunk, startScriptedUpstream, type ScriptedUpstream } from '../../support/scripted-upstream';

describe('a client that stops reading a stream (timeouts.clientWriteSeconds)', () => {
  let proxy: TestProxy | undefined;
  let scripted: ScriptedUpstream | undefined;
  let client: Socket | undefined;
  afterEach(async () => {
    client?.destroy();
    await proxy?.close();
    await scripted?.close();
    proxy = undefined;
    scripted = undefined;
  });

  it('has its stream ended and the upstream request aborted instead of being held forever', async () => {
    // GIVEN an upstream that streams 16 KiB content chunks as fast as the proxy takes them
    scripted = await startScriptedUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const piece = chatChunk({ content: 'y'.repeat(16 * 1024) });
      const pump = (): void => {
        while (!res.destroyed && res.write(piece)) {
          // keep writing until the proxy applies backpressure
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      res.write(chatChunk({ role: 'assistant', content: '' }));
      pump();
    });
    proxy = await startTestProxy(configFor([], {
      upstreams: [{ name: 'primary', baseUrl: scripted.url }],
      timeouts: { clientWriteSeconds: 0.3, streamIdleSeconds: 30, firstTokenSeconds: 5, requestSeconds: 5, deadlineSeconds: 60 },
    }));
    // WHEN a client sends a streamed request and then never reads its socket
    const { port } = new URL(proxy.origin);
    const body = JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    client = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => client!.once('connect', () => resolve()));
    client.pause();
    client.write(`POST ${PATHS.chatCompletions} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    // THEN the proxy gives up on the client: the upstream request is aborted and no stream stays open
    await eventually(() => expect(scripted!.aborted).toBe(1), 10_000);
    await eventually(() => expect(proxy!.engine.openStreams()).toBe(0));
    // AND the request is recorded as ended by the client
    await eventually(() => expect(proxy!.events.of('requestFinished').at(-1)).toMatchObject({ status: 499, errorCode: 'client_write_timeout' }));
  });
});
