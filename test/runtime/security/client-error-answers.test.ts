import { describe, expect, it } from 'vitest';
import { clientErrorAnswer, clientErrorResponse } from '../../../runtime/http/client-error';

const withCode = (code: string): Error & { code: string } => Object.assign(new Error(code), { code });

describe('client error answers', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'request_headers_too_large', 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout', 'request_timeout'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400, 'invalid_http_request', 'bad_request'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'invalid_http_request', 'bad_request'],
    ['SOMETHING_NEW', 400, 'invalid_http_request', 'bad_request'],
  ])('answers %s with %i %s', (code, status, errorCode, reason) => {
    expect(clientErrorAnswer(withCode(code))).toMatchObject({ status, code: errorCode, reason });
  });

  it('names the parser code in the message of a 400', () => {
    expect(clientErrorAnswer(withCode('HPE_INVALID_HEADER_TOKEN')).message).toBe('malformed HTTP request: a header name or value holds a character HTTP does not allow (HPE_INVALID_HEADER_TOKEN)');
  });

  it('writes a whole HTTP/1.1 response with a JSON body whose length matches', () => {
    // GIVEN an answer
    const raw = clientErrorResponse(clientErrorAnswer(withCode('HPE_HEADER_OVERFLOW')), { 'x-failover-upstream': 'none' });
    // WHEN it is split
    const [head, body] = raw.split('\r\n\r\n');
    // THEN the status line, headers and body agree
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain('connection: close');
    expect(head).toContain('x-failover-upstream: none');
    expect(head).toContain(`content-length: ${Buffer.byteLength(body!)}`);
    expect(JSON.parse(body!)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', code: 'request_headers_too_large', param: null } });
  });
});
