import { afterEach, describe, expect, it } from 'vitest';
import { PATHS } from '../../../src/contract';
import { configFor, postJson, startTestProxy, type TestProxy } from '../../support/proxy-harness';
import { startScriptedUpstream, type ScriptedUpstream } from '../../support/scripted-upstream';

describe('a JSON answer that must be translated but is over the buffer limit', () => {
  let proxy: TestProxy | undefined;
  let upstream: ScriptedUpstream | undefined;
  afterEach(async () => {
    await proxy?.close();
    await upstream?.close();
    proxy = undefined;
    upstream = undefined;
  });

  it('is refused with 502 in the client\'s shape instead of reaching the client in the upstream\'s format', async () => {
    // GIVEN an anthropic upstream whose Messages answer is 8 KiB, and a 2 KiB response buffer limit
    upstream = await startScriptedUpstream((_req, res) => {
      const answer = { id: 'msg_big', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'z'.repeat(8192) }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    proxy = await startTestProxy(configFor([], { upstreams: [{ name: 'claude', baseUrl: upstream.url, format: 'anthropic' }], limits: { maxResponseBytes: 2048 } }));
    // WHEN a chat completion is asked for
    const res = await postJson(proxy.origin, PATHS.chatCompletions, { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    // THEN an OpenAI-shaped 502 names the limit; nothing of Anthropic's shape reaches the chat client
    expect(res.status).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'response_too_large_to_translate', message: expect.stringContaining('limits.maxResponseBytes (2048)') });
    expect(res.text).not.toContain('msg_big');
  });
});
