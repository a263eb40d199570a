import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { MockUpstream } from '../../../runtime/mock/mock-upstream';
import { HOLD_BACK_MAX_EVENTS } from '../../../runtime/proxy/attempts/stream-hold-back';
import { HEADERS, PATHS } from '../../../src/contract';
import { configFor, postJson, startMocks, startTestProxy, type TestProxy } from '../../support/proxy-harness';
import { chatChunk, startScriptedUpstream, type ScriptedUpstream } from '../../support/scripted-upstream';

const CHAT = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] };
const MESSAGES = { model: 'claude-sonnet-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] };
const named = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...(data as object) })}\n\n`;

describe('streams held back until real content fail over with nothing sent', () => {
  let proxy: TestProxy | undefined;
  let primary: ScriptedUpstream | undefined;
  let mocks: MockUpstream[] = [];
  afterEach(async () => {
    await proxy?.close();
    await primary?.close();
    await Promise.all(mocks.map((m) => m.close()));
    proxy = undefined;
    primary = undefined;
    mocks = [];
  });

  /** A scripted primary (writes `text`, then breaks or keeps the connection) and a mock backup. */
  const start = async (text: string, then: 'break' | 'end', format: 'openai' | 'anthropic' = 'openai'): Promise<TestProxy> => {
    primary = await startScriptedUpstream((_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(text, () => {
        if (then === 'break') res.socket?.destroy();
        else res.end();
      });
    });
    mocks = await startMocks(1);
    proxy = await startTestProxy(configFor([], {
      upstreams: [{ name: 'primary', baseUrl: primary.url, priority: 0, format }, { name: 'backup', baseUrl: mocks[0].url, priority: 1, format }],
      timeouts: { firstTokenSeconds: 2, requestSeconds: 2, deadlineSeconds: 10, streamIdleSeconds: 2 },
    }));
    return proxy;
  };

  it('chat: a role-only chunk then a break fails over, the client sees one stream from the backup', async () => {
    // GIVEN a primary that sends the role chunk and breaks
    const p = await start(chatChunk({ role: 'assistant', content: '' }), 'break');
    // WHEN a stream is requested
    const res = await postJson(p.origin, PATHS.chatCompletions, CHAT);
    // THEN the backup answered, the client saw one role chunk and a whole stream
    expect(res.headers.get(HEADERS.upstream)).toBe('backup');
    expect(res.text.match(/"role":"assistant"/g)).toHaveLength(1);
    expect(res.text).toContain('data: [DONE]');
    expect(p.events.of('failover')).toEqual([expect.objectContaining({ from: 'primary', to: 'backup', reason: 'connection_error' })]);
  });

  it('chat: an error event inside the 200 stream before content fails over and counts against the primary', async () => {
    // GIVEN a primary that answers 200 with a role chunk and then an error object
    const p = await start(chatChunk({ role: 'assistant', content: '' }) + `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n`, 'end');
    // WHEN a stream is requested
    const res = await postJson(p.origin, PATHS.chatCompletions, CHAT);
    // THEN the backup answered with no trace of the error, and the primary's attempt was a server error
    expect(res.headers.get(HEADERS.upstream)).toBe('backup');
    expect(res.text).not.toContain('overloaded');
    expect(p.events.of('attemptFinished')[0]).toMatchObject({ upstream: 'primary', outcome: 'server_error', status: 200 });
  });

  it(`chat: after ${HOLD_BACK_MAX_EVENTS} contentless events the stream starts anyway, and a later break is an error frame`, async () => {
    // GIVEN a primary that sends only keep-alive role chunks, more than the hold-back bound, then breaks
    const p = await start(chatChunk({ role: 'assistant', content: '' }).repeat(HOLD_BACK_MAX_EVENTS + 5), 'break');
    // WHEN a stream is requested
    const res = await postJson(p.origin, PATHS.chatCompletions, CHAT);
    // THEN the primary's stream was sent (bounded hold), ending with an explicit error frame; no failover
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
    expect(JSON.parse(res.text.trim().split('\n\n').at(-1)!.slice(6)).error.code).toBe('upstream_stream_broken');
    expect(mocks[0].requests).toBe(0);
  });

  it('messages: message_start and ping then an overloaded error event fail over to the backup', async () => {
    // GIVEN an anthropic primary that opens a message and then reports overload inside the stream
    const opening = named('message_start', { message: { id: 'msg_primary', type: 'message', role: 'assistant', content: [], model: 'm', usage: { input_tokens: 3, output_tokens: 1 } } })
      + named('ping', {})
      + named('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
    const p = await start(opening, 'end', 'anthropic');
    // WHEN a Messages stream is requested
    const res = await postJson(p.origin, PATHS.messages, MESSAGES);
    // THEN only the backup's message reached the client
    expect(res.headers.get(HEADERS.upstream)).toBe('backup');
    expect(res.text).not.toContain('"id":"msg_primary"');
    expect(res.text).not.toContain('Overloaded');
    expect(res.text.match(/event: message_start/g)).toHaveLength(1);
    expect(res.text).toContain('event: message_stop');
  });
});
