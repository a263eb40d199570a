import { describe, expect, it } from 'vitest';
import { metricValue, postChat, startProxyWith, startUpstream, useLoopbackFixture, yamlFor } from './loopback';
import { eventually } from '../../support/eventually';

const MiB = 1024 * 1024;

/** A chat completion of about `bytes` bytes, with usage, split at `splitAt` bytes. */
function largeCompletion(bytes: number, splitAt: number): [Buffer, Buffer] {
  const prefix = '{"id":"big","object":"chat.completion","model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant","content":"';
  const suffix = '"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}}';
  const whole = Buffer.from(prefix + 'x'.repeat(bytes - prefix.length - suffix.length) + suffix);
  return [whole.subarray(0, splitAt), whole.subarray(splitAt)];
}

describe('the bytes buffered across requests are bounded', () => {
  const fx = useLoopbackFixture();

  it('streams the responses over the budget through unpriced, logs them, and every client gets its whole body', async () => {
    // GIVEN an upstream that sends 1 MiB of each 1.5 MiB answer, and the rest only once 4 requests wait
    const [head, tail] = largeCompletion(1.5 * MiB, MiB);
    const waiting: (() => void)[] = [];
    fx.upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': head.length + tail.length });
      res.write(head);
      waiting.push(() => res.end(tail));
    });
    // AND a proxy that may buffer 2.5 MiB in total (and 2 MiB per response)
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }], [
      `limits: {maxResponseBytes: ${2 * MiB}, maxBufferedResponseBytes: ${2.5 * MiB}}`,
      'timeouts: {requestSeconds: 10}',
    ]));
    // WHEN 4 clients ask at once
    const pending = Promise.all([0, 1, 2, 3].map(() => postChat(fx.running!.proxy.url)));
    // THEN while the 4 answers are half sent, the bytes held stay within the budget
    await eventually(() => expect(waiting).toHaveLength(4));
    const held = await eventually(async () => {
      const bytes = metricValue(await fx.running!.metrics(), 'ai_failover_buffered_response_bytes');
      expect(bytes).toBeGreaterThanOrEqual(MiB);
      return bytes;
    });
    expect(held).toBeLessThanOrEqual(2.5 * MiB);
    waiting.forEach((finish) => finish());
    const responses = await pending;
    const bodies = await Promise.all(responses.map((r) => r.text()));
    // AND every client gets the whole, valid answer
    for (const [i, res] of responses.entries()) {
      expect(res.status).toBe(200);
      expect(bodies[i]!.length).toBe(head.length + tail.length);
      expect((JSON.parse(bodies[i]!) as { usage: { total_tokens: number } }).usage.total_tokens).toBe(2000);
    }
    // AND at most one could be buffered whole (two would need 3 MiB): the others went through unpriced
    const priced = responses.filter((r) => r.headers.get('x-failover-cost-usd') !== null).length;
    expect(priced).toBeLessThanOrEqual(1);
    const unbuffered = fx.running.logs().filter((l) => l.event === 'response_unbuffered');
    expect(unbuffered.length).toBe(4 - priced);
    expect(unbuffered[0]).toMatchObject({ reason: 'buffer_budget', upstream: 'primary' });
    const metrics = await fx.running.metrics();
    expect(metricValue(metrics, 'ai_failover_unbuffered_responses_total', 'reason="buffer_budget"')).toBe(4 - priced);
    // AND once they are done, nothing stays reserved
    expect(metricValue(metrics, 'ai_failover_buffered_response_bytes')).toBe(0);
  });

  it('buffers and prices a response that fits the budget', async () => {
    // GIVEN the default budget and a 1.5 MiB answer
    const [head, tail] = largeCompletion(1.5 * MiB, MiB);
    fx.upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.concat([head, tail]));
    });
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    // WHEN a client asks
    const res = await postChat(fx.running.proxy.url);
    // THEN it is priced and nothing went unbuffered
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBe(head.length + tail.length);
    expect(Number(res.headers.get('x-failover-cost-usd'))).toBeGreaterThan(0);
    expect(fx.running.logs().filter((l) => l.event === 'response_unbuffered')).toHaveLength(0);
    expect(fx.running.proxy.config().limits.maxBufferedResponseBytes).toBe(256 * MiB);
  });
});
