import type { ConsecutiveBreaker, SamplingBreaker } from './breaker-policy';

/** What `/v1/status` reports about a breaker's counts (beside the decision, not part of it). */
export interface BreakerStats {
  /** Failures in a row. */
  readonly consecutiveFailures: number;
  /** Failure ratio 0..1 over the sampling window ending at `now`. */
  errorRate(now: number): number;
}

/** The stats of the consecutive and sampling policies an upstream's breaker is composed of. */
export function breakerStats(consecutive: ConsecutiveBreaker, sampling: SamplingBreaker): BreakerStats {
  return {
    get consecutiveFailures() {
      return consecutive.consecutiveFailures;
    },
    errorRate: (now) => sampling.errorRate(now),
  };
}
