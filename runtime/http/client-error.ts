import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { openAIErrorBody } from './openai-error';

/** Why the HTTP parser refused a request, as the `reason` label of the client-error counter. */
export type ClientErrorReason = 'bad_request' | 'headers_too_large' | 'request_timeout';

/** The answer to one request the HTTP parser refused. */
export interface ClientErrorAnswer {
  readonly status: number;
  /** OpenAI `error.code`. */
  readonly code: string;
  readonly reason: ClientErrorReason;
  readonly message: string;
}

/** llhttp codes with a message a client can act on; the rest get a generic one. */
const PARSER_MESSAGES: Readonly<Record<string, string>> = {
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length is not allowed with Transfer-Encoding, nor twice',
  HPE_INVALID_CONTENT_LENGTH: 'Content-Length is invalid or sent twice with different values',
  HPE_INVALID_TRANSFER_ENCODING: 'Transfer-Encoding is invalid',
  HPE_INVALID_HEADER_TOKEN: 'a header name or value holds a character HTTP does not allow',
  HPE_INVALID_METHOD: 'the request method is invalid',
  HPE_INVALID_URL: 'the request target is invalid',
  HPE_INVALID_VERSION: 'the HTTP version is invalid',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size of the chunked body is invalid',
  HPE_LF_EXPECTED: 'a line of the request does not end with CRLF',
  HPE_CR_EXPECTED: 'a line of the request does not end with CRLF',
};

/**
 * What to answer for an error Node's HTTP parser raised (`clientError`):
 * 431 for oversized headers, 408 for the slow-client timeouts, 400 for
 * everything else (request smuggling shapes such as Content-Length with
 * Transfer-Encoding, duplicate Content-Length, bad header characters).
 */
export function clientErrorAnswer(error: Error & { code?: string }): ClientErrorAnswer {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'request_headers_too_large', reason: 'headers_too_large', message: 'the request headers are larger than the proxy accepts (16 KiB)' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return { status: 408, code: 'request_timeout', reason: 'request_timeout', message: 'the request did not arrive within the slow-client timeout' };
  }
  const detail = PARSER_MESSAGES[code] ?? 'the request is not valid HTTP/1.1';
  return { status: 400, code: 'invalid_http_request', reason: 'bad_request', message: `malformed HTTP request: ${detail}${code ? ` (${code})` : ''}` };
}

/** The raw HTTP/1.1 response of a {@link ClientErrorAnswer}, with `connection: close` and the given extra headers. */
export function clientErrorResponse(answer: ClientErrorAnswer, extraHeaders: Readonly<Record<string, string>> = {}): string {
  const body = JSON.stringify(openAIErrorBody(answer.status, answer.code, answer.message));
  const headers: Record<string, string> = {
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'connection': 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * The server's `clientError` listener: answers with an OpenAI-shaped JSON
 * body (when nothing was written on the connection yet, as Node's own
 * handler does) and closes it; `onAnswered` counts it. A connection reset
 * by the client is just closed.
 */
export function handleClientError(
  error: Error & { code?: string },
  socket: Duplex,
  onAnswered: (answer: ClientErrorAnswer) => void,
  extraHeaders: () => Readonly<Record<string, string>> = () => ({}),
): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const answer = clientErrorAnswer(error);
  onAnswered(answer);
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean; writableEnded?: boolean } })._httpMessage;
  if (inProgress && inProgress.headersSent && !inProgress.writableEnded) {
    // a response is on its way on this connection: a second status line cannot follow
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(answer, extraHeaders()));
}
