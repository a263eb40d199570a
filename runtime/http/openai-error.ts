import type { ServerResponse } from 'node:http';

/** OpenAI error `type`: `invalid_request_error` for 4xx, `api_error` for 5xx. */
export type OpenAIErrorType = 'invalid_request_error' | 'api_error';

/** The body every error response carries: `{"error":{"message","type","code"}}`. */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: OpenAIErrorType;
    readonly code: string;
    readonly param: string | null;
  };
}

/** Builds the OpenAI-style error body for a status and code. */
export function openAIErrorBody(status: number, code: string, message: string): OpenAIErrorBody {
  return {
    error: {
      message,
      type: status >= 500 ? 'api_error' : 'invalid_request_error',
      code,
      param: null,
    },
  };
}

/**
 * Sends an OpenAI-style JSON error unless headers already went out (then the
 * socket is ended, since a second status line is impossible).
 */
export function sendOpenAIError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(openAIErrorBody(status, code, message));
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.statusCode = status;
  res.end(body);
}
