import type { NotServedReply } from './upstream-attempt';
import type { AttemptOutcome } from '../../events';
import type { Answer, AttemptTally, Exchange } from '../exchange';
import { clientGone, proxyResponseHeaders, sendFailure } from '../response/failover-headers';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/** The last answer of an upstream that does not serve the route (404/405 on a Responses route). */
export interface NotServed {
  readonly upstream: string;
  readonly reply: NotServedReply;
}

/** The last failed attempt of a request. */
export interface LastFailure {
  readonly upstream: UpstreamRuntime;
  readonly outcome: AttemptOutcome;
}

/**
 * Answers a request whose attempts ended without a response to commit:
 * nothing when the client is gone (499), 503 with `retry-after` when no
 * breaker admitted a call, 429 when every attempt was rate limited
 * (`rateLimited` set, with the longest `Retry-After` seen), 504 when the
 * last try timed out, 502 otherwise. Returns what was sent.
 */
export function answerExhausted(
  x: Exchange,
  order: readonly UpstreamRuntime[],
  last: LastFailure | undefined,
  rateLimited: { readonly retryAfterMs?: number } | undefined,
  gone: boolean,
  tally: AttemptTally,
  notServed?: NotServed,
): Answer {
  if (gone) return clientGone(x, last?.upstream.name);
  if (!last && notServed) {
    // every upstream asked said it does not serve this (or does not know the id): its own answer goes back
    return passNotServed(x, tally, notServed);
  }
  const pinned = x.pinned;
  if (pinned) {
    const message = `the response ${pinned.responseId} is held by upstream ${pinned.upstream}, which cannot serve now (${last ? last.outcome : 'circuit open'}); it is not sent to an upstream that never saw it, retry later`;
    return sendFailure(x, tally, 503, pinned.param ? 'previous_response_unavailable' : 'response_unavailable', message, { 'retry-after': '1' }, last?.upstream.name ?? 'none', pinned.param ?? null);
  }
  const attempted = last?.upstream.name ?? 'none';
  if (!last) {
    const now = x.services.now();
    const opens = order.map((u) => u.breaker.openUntil).filter((t): t is number => t !== null);
    const waitS = opens.length > 0 ? Math.max(1, Math.ceil((Math.min(...opens) - now) / 1000)) : 1;
    return sendFailure(x, tally, 503, 'all_circuits_open', `every upstream's circuit breaker is open (${order.map((u) => u.name).join(', ')})`, { 'retry-after': String(waitS) }, attempted);
  }
  const attempts = plural(tally.attempts, 'attempt');
  if (rateLimited) {
    const headers: Record<string, string> = {};
    if (rateLimited.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(rateLimited.retryAfterMs / 1000)));
    return sendFailure(x, tally, 429, 'rate_limit_exceeded', `every attempt was rate limited by the upstream (last: ${last.upstream.name}, ${attempts})`, headers, attempted);
  }
  if (last.outcome === 'timeout') {
    return sendFailure(x, tally, 504, 'upstream_timeout', `the upstream timed out (last: ${last.upstream.name}, ${attempts})`, {}, attempted);
  }
  return sendFailure(x, tally, 502, 'all_upstreams_failed', `every attempt failed (last: ${last.upstream.name} ${last.outcome}, ${attempts})`, {}, attempted);
}

/** `1 attempt`, `2 attempts`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Passes an upstream's 404/405 on to the client (with the failover headers), as it came. */
function passNotServed(x: Exchange, tally: AttemptTally, notServed: NotServed): Answer {
  const { res } = x;
  const { reply } = notServed;
  // an upstream's error body may quote the key it was sent: redacted like every buffered body
  const body = x.services.redactor().redactBuffer(reply.body).body;
  if (res.headersSent) {
    res.end();
    return { status: reply.status, upstream: notServed.upstream };
  }
  for (const [name, value] of Object.entries(proxyResponseHeaders(x.ctx, tally, notServed.upstream))) res.setHeader(name, value);
  res.setHeader('content-type', reply.contentType ?? 'application/json');
  res.setHeader('content-length', body.length);
  res.statusCode = reply.status;
  res.end(body);
  return { status: reply.status, errorCode: x.route.format.errorCodeOf(body) ?? 'not_found', upstream: notServed.upstream };
}
