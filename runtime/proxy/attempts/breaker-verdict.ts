import { isUpstreamFailure } from './failure-classifier';
import type { BreakerPermit } from '../../core';
import type { AttemptOutcome } from '../../events';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/** Weight of the newest sample in an upstream's latency EWMA. */
const EWMA_ALPHA = 0.2;

/**
 * Tells the upstream's breaker how an attempt went: success closes, an
 * upstream failure counts (a 429 with its `Retry-After`), anything else
 * (client gone, drain) is neutral.
 */
export function reportOutcome(upstream: UpstreamRuntime, permit: BreakerPermit, outcome: AttemptOutcome, now: number, retryAfterMs?: number): void {
  if (outcome === 'success') upstream.breaker.onSuccess(now, permit);
  else if (isUpstreamFailure(outcome)) upstream.breaker.onFailure(now, permit, outcome === 'rate_limited' ? retryAfterMs : undefined);
  else upstream.breaker.onNeutral(permit);
}

/** Folds a successful attempt's latency into the upstream's EWMA. */
export function recordLatency(upstream: UpstreamRuntime, latencyMs: number): void {
  upstream.latencyMs = upstream.latencyMs === null ? latencyMs : upstream.latencyMs * (1 - EWMA_ALPHA) + latencyMs * EWMA_ALPHA;
}
