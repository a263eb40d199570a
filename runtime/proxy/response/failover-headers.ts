import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ProxyRequestContext } from '../exchange';
import type { RequestRecord } from '../request-record';
import { HEADERS } from '../../../src/contract';
import { sendOpenAIError } from '../../http/openai-error';

/**
 * The headers every response of the proxy port carries (issue 3): which
 * upstream answered (`none` when none was asked), how many attempts were
 * made, and the proxy's own overhead in ms.
 */
export function failoverHeaders(upstream: string, attempts: number, overheadMs: number): Record<string, string> {
  return {
    [HEADERS.upstream]: upstream,
    [HEADERS.attempts]: String(attempts),
    [HEADERS.overheadMs]: Math.max(0, overheadMs).toFixed(1),
  };
}

/** The failover headers of a proxied request, overhead being the time not spent waiting on upstreams, plus `x-request-id`. */
export function proxyResponseHeaders(ctx: ProxyRequestContext, record: RequestRecord, upstream: string): Record<string, string> {
  return {
    ...failoverHeaders(upstream, record.attempts, performance.now() - ctx.receivedAt - record.waitedMs),
    [HEADERS.requestId]: ctx.requestId,
  };
}

/** Sends an OpenAI-style error with the proxy's headers and records its status and code. */
export function failRequest(
  res: ServerResponse,
  ctx: ProxyRequestContext,
  record: RequestRecord,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
  upstream = 'none',
): void {
  record.status = status;
  record.errorCode = code;
  sendOpenAIError(res, status, code, message, { ...proxyResponseHeaders(ctx, record, upstream), ...extra });
}
