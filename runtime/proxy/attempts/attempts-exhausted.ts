import type { AttemptOutcome } from '../../events';
import type { Answer, AttemptTally, Exchange } from '../exchange';
import { clientGone, sendFailure } from '../response/failover-headers';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

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
): Answer {
  if (gone) return clientGone(x, last?.upstream.name);
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
