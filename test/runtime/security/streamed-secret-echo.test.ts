import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { metricValue, startProxyWith, startUpstream, UPSTREAM_KEY, useLoopbackFixture, yamlFor } from './loopback';
import { StreamPipeline } from '../../../runtime/proxy/formats/stream-pipeline';
import { SecretRedactor } from '../../../runtime/proxy/response/secret-redactor';

const REDACTIONS = 'ai_failover_response_redactions_total';
const REDIS_PASSWORD = 'redis-pass-9f8e7d6c5b';
const EGRESS_PASSWORD = 'egress-pass-1a2b3c4d5e';

/** The key the upstream received (Bearer or x-api-key), as it would quote it. */
function keyOf(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  return typeof auth === 'string' ? auth.replace(/^Bearer /, '') : String(req.headers['x-api-key']);
}

/** Writes `text` a few bytes at a time (separate TCP writes), so an event's secret straddles upstream chunks. */
async function trickle(res: ServerResponse, text: string, piece = 5): Promise<void> {
  for (let i = 0; i < text.length; i += piece) {
    res.write(text.slice(i, i + piece));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const sse = (data: unknown, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
  sse({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 0, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: finish }] });

/** An OpenAI chat stream whose content quotes `leak` (trickled), with usage and [DONE]. */
async function chatStream(res: ServerResponse, leak: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(chunk({ role: 'assistant', content: '' }));
  res.write(chunk({ content: 'Hello. ' }));
  await trickle(res, chunk({ content: `you sent ${leak}` }));
  res.write(chunk({}, 'stop'));
  res.write(sse({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 0, model: 'gpt-4.1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }));
  res.end('data: [DONE]\n\n');
}

/** An OpenAI Responses stream whose text quotes `leak`. */
async function responsesStream(res: ServerResponse, leak: string): Promise<void> {
  const response = { id: 'resp_1', object: 'response', status: 'in_progress', model: 'gpt-4.1', output: [] };
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(sse({ type: 'response.created', sequence_number: 0, response }, 'response.created'));
  res.write(sse({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hello. ' }, 'response.output_text.delta'));
  await trickle(res, sse({ type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_1', output_index: 0, content_index: 0, delta: `you sent ${leak}` }, 'response.output_text.delta'));
  res.end(sse({
    type: 'response.completed',
    sequence_number: 3,
    response: { ...response, status: 'completed', usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } },
  }, 'response.completed'));
}

/** An Anthropic Messages stream whose text quotes `leak`. */
async function messagesStream(res: ServerResponse, leak: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(sse({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4.5', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 1 } } }, 'message_start'));
  res.write(sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'));
  res.write(sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello. ' } }, 'content_block_delta'));
  await trickle(res, sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `you sent ${leak}` } }, 'content_block_delta'));
  res.write(sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
  res.write(sse({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } }, 'message_delta'));
  res.end(sse({ type: 'message_stop' }, 'message_stop'));
}

const CHAT = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hello' }] };
const MESSAGES = { model: 'claude-sonnet-4.5', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hello' }] };

async function post(url: string, path: string, body: object): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('upstream secrets echoed inside streamed SSE events are redacted', () => {
  const fx = useLoopbackFixture();

  const cases = [
    { name: 'a chat completions stream', format: 'openai', path: '/v1/chat/completions', body: CHAT, script: chatStream, end: '[DONE]' },
    { name: 'a Responses stream', format: 'openai', path: '/v1/responses', body: { model: 'gpt-4.1', input: 'hello', stream: true }, script: responsesStream, end: 'response.completed' },
    { name: 'an Anthropic Messages stream', format: 'anthropic', path: '/v1/messages', body: MESSAGES, script: messagesStream, end: 'message_stop' },
    { name: 'a chat stream translated from an Anthropic upstream', format: 'anthropic', path: '/v1/chat/completions', body: { ...CHAT, model: 'claude-sonnet-4.5' }, script: messagesStream, end: '[DONE]' },
    { name: 'a Messages stream translated from an OpenAI upstream', format: 'openai', path: '/v1/messages', body: { ...MESSAGES, model: 'gpt-4.1' }, script: chatStream, end: 'message_stop' },
  ] as const;

  for (const c of cases) {
    it(`redacts the upstream key quoted in ${c.name}, the event split across upstream chunks, and counts it`, async () => {
      // GIVEN an upstream that streams the key it received back inside one event, a few bytes per TCP write
      fx.upstream = await startUpstream((req, res) => void c.script(res, `key=${keyOf(req)}`));
      fx.running = await startProxyWith(['upstreams:', `  - {name: primary, baseUrl: "${fx.upstream.url}", priority: 0, format: ${c.format}}`].join('\n'));
      // WHEN a client streams through the proxy
      const res = await post(fx.running.proxy.url, c.path, c.body);
      // THEN the stream arrives whole, with the key replaced
      expect(res.status).toBe(200);
      expect(res.text).toContain(c.end);
      expect(res.text).not.toContain(UPSTREAM_KEY);
      expect(res.text).toContain('key=[redacted]');
      // AND the redaction is counted against the upstream, in the metric and the request line
      expect(metricValue(await fx.running.metrics(), REDACTIONS, 'upstream="primary"')).toBe(1);
      const line = fx.running.logs().find((l) => l.event === 'request' && l.route === c.path);
      expect(line?.redactions).toBe(1);
    });
  }

  it('redacts the Redis password and the egress proxy password inside a stream event held back before content', async () => {
    // GIVEN an upstream whose opening role chunk (held back until content) quotes the Redis and egress passwords
    fx.upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '', refusal: null, note: `${REDIS_PASSWORD} / ${EGRESS_PASSWORD}` }));
      res.write(chunk({ content: 'Hello' }));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
    const yaml = yamlFor([{ name: 'primary', url: fx.upstream.url }], [`egress: {httpsProxy: "http://user:${EGRESS_PASSWORD}@127.0.0.1:9", noProxy: "127.0.0.1"}`]);
    fx.running = await startProxyWith(yaml, { REDIS_URL: `redis://default:${REDIS_PASSWORD}@127.0.0.1:6399/0` });
    // WHEN a client streams
    const res = await post(fx.running.proxy.url, '/v1/chat/completions', CHAT);
    // THEN neither password reaches the client, the content does
    expect(res.text).not.toContain(REDIS_PASSWORD);
    expect(res.text).not.toContain(EGRESS_PASSWORD);
    expect(res.text).toContain('[redacted] / [redacted]');
    expect(res.text).toContain('Hello');
    expect(metricValue(await fx.running.metrics(), REDACTIONS)).toBe(2);
  });

  it('passes a stream without secrets through byte for byte and counts nothing', async () => {
    // GIVEN an upstream streaming ordinary text
    let sent = '';
    fx.upstream = await startUpstream((_req, res) => {
      sent = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hello, sk-upstream-SECRET (not the whole key)' }) + chunk({}, 'stop') + 'data: [DONE]\n\n';
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sent);
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    // WHEN a client streams (asking for usage itself, so no chunk is dropped)
    const res = await post(fx.running.proxy.url, '/v1/chat/completions', { ...CHAT, stream_options: { include_usage: true } });
    // THEN it receives exactly what the upstream sent, and no redaction is counted
    expect(res.text).toBe(sent);
    expect(metricValue(await fx.running.metrics(), REDACTIONS)).toBe(0);
  });
});

describe('the stream pipeline redacts whole events', () => {
  it('finds a secret fed one byte per chunk, once its event is complete', () => {
    // GIVEN a pass-through chat pipeline with the upstream key as its secret
    const pipeline = new StreamPipeline({
      client: 'chat',
      wire: 'chat',
      context: { model: 'gpt-4.1', includeUsage: true },
      stripUsage: false,
      maxEventBytes: 1024 * 1024,
      redactor: new SecretRedactor([UPSTREAM_KEY]),
    });
    const event = chunk({ content: `key=${UPSTREAM_KEY}` });
    // WHEN the event arrives one byte at a time
    const out: string[] = [];
    for (const byte of Buffer.from(event)) out.push(pipeline.push(Buffer.from([byte])));
    // THEN nothing is written until the event is whole, and then it is written redacted, once
    expect(out.slice(0, -1).join('')).toBe('');
    expect(out.at(-1)).toBe(event.replace(UPSTREAM_KEY, '[redacted]'));
    expect(pipeline.redactions).toBe(1);
  });
});
