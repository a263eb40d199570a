import { performance } from 'node:perf_hooks';
import { HEADERS } from '../../../src/contract';
import type { Answer, AttemptTally, Intake, ProxyRequestContext } from '../exchange';

/**
 * The headers every response of the proxy port carries: which upstream
 * answered (`none` when none was asked), how many attempts were made, and
 * the proxy's own overhead in ms. (`x-request-id` is the server's.)
 */
export function failoverHeaders(upstream: string, attempts: number, overheadMs: number): Record<string, string> {
  return setFailoverHeaders({}, upstream, attempts, overheadMs);
}

/** Writes the {@link failoverHeaders} into `headers` (no copy); returns `headers`. */
export function setFailoverHeaders<H extends Record<string, unknown>>(headers: H, upstream: string, attempts: number, overheadMs: number): H {
  const out = headers as Record<string, unknown>;
  out[HEADERS.upstream] = upstream;
  out[HEADERS.attempts] = String(attempts);
  out[HEADERS.overheadMs] = Math.max(0, overheadMs).toFixed(1);
  return headers;
}

/** The failover headers of a proxied request, overhead being the time not spent waiting on upstreams. */
export function proxyResponseHeaders(ctx: ProxyRequestContext, tally: AttemptTally, upstream: string): Record<string, string> {
  return failoverHeaders(upstream, tally.attempts, performance.now() - ctx.receivedAt - tally.waitedMs);
}

/** {@link proxyResponseHeaders} written into `headers` (no copy); returns `headers`. */
export function setProxyResponseHeaders<H extends Record<string, unknown>>(
  headers: H, ctx: ProxyRequestContext, tally: AttemptTally, upstream: string,
): H {
  return setFailoverHeaders(headers, upstream, tally.attempts, performance.now() - ctx.receivedAt - tally.waitedMs);
}

/** No attempt made yet. */
export const NO_ATTEMPTS: AttemptTally = { attempts: 0, waitedMs: 0 };

/** Sends an error of the proxy's own in the route's format, with the failover headers; returns what was sent. */
export function sendFailure(
  x: Intake,
  tally: AttemptTally,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
  upstream = 'none',
  /** The request field the error is about (`param`), if any. */
  param: string | null = null,
): Answer {
  x.route.format.sendError(x.res, status, code, message, { ...proxyResponseHeaders(x.ctx, tally, upstream), ...extra }, param);
  return { status, errorCode: code };
}

/** The client went away before an answer: the socket is closed and the request counts as 499 (nginx's). */
export function clientGone(x: Intake, upstream?: string): Answer {
  if (!x.res.writableEnded) x.res.destroy();
  return { status: 499, errorCode: 'client_closed_request', upstream };
}
