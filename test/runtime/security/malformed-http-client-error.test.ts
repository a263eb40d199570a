import { describe, expect, it } from 'vitest';
import { metricValue, rawExchange, startProxyWith, startUpstream, useLoopbackFixture, yamlFor } from './loopback';

const CLIENT_ERRORS = 'ai_failover_http_client_errors_total';
const HEAD = 'POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\n';

/** Splits a raw HTTP answer into status, headers (lower-cased) and body. */
function parseAnswer(text: string): { status: number; headers: Record<string, string>; body: string } {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

describe('requests refused by the HTTP parser get an OpenAI-shaped answer', () => {
  const fx = useLoopbackFixture();

  it.each([
    ['Content-Length with Transfer-Encoding', `${HEAD}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, 'invalid_http_request', 'bad_request'],
    ['two Content-Length headers', `${HEAD}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, 'invalid_http_request', 'bad_request'],
    ['a control character in a header value', `${HEAD}X-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\n{}`, 400, 'invalid_http_request', 'bad_request'],
    ['a space in a header name', `${HEAD}X Bad: value\r\nContent-Length: 2\r\n\r\n{}`, 400, 'invalid_http_request', 'bad_request'],
    ['headers over the size limit', `${HEAD}X-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`, 431, 'request_headers_too_large', 'headers_too_large'],
  ])('answers %s with a JSON error and counts it', async (_label, payload, status, code, reason) => {
    // GIVEN a running proxy
    fx.upstream = await startUpstream((_req, res) => res.end('{}'));
    fx.running = await startProxyWith(yamlFor([{ name: 'primary', url: fx.upstream.url }]));
    const port = Number(new URL(fx.running.proxy.url).port);
    // WHEN a raw client sends the malformed request
    const answer = parseAnswer((await rawExchange(port, payload)).text);
    // THEN it gets the status with an OpenAI-shaped JSON body, and the connection closes
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toContain('application/json');
    expect(answer.headers.connection).toBe('close');
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
    const body = JSON.parse(answer.body) as { error: { code: string; type: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message.length).toBeGreaterThan(10);
    // AND the metric counts it by reason, and the upstream never saw it
    expect(metricValue(await fx.running.metrics(), CLIENT_ERRORS, `reason="${reason}"`)).toBe(1);
    expect(fx.upstream.received).toHaveLength(0);
  });
});
