import type { AttemptFinishedEvent, BreakerTransitionEvent, FailoverEvent, ProxyEvents, RequestFinishedEvent, RequestStartedEvent } from '../events';
import { withoutPathRedaction, type InfoLines, type Logger } from './logger';

/** One JSON log line per finished request: id, upstream, attempts, status, latency, overhead, tokens, cost. */
export class RequestLog implements ProxyEvents {
  /** The per-request lines: scalar fields only, so they skip pino's path redaction (see {@link withoutPathRedaction}). */
  private readonly lines: InfoLines;

  constructor(private readonly logger: Pick<Logger, 'info' | 'warn' | 'child' | 'isLevelEnabled'>) {
    this.lines = withoutPathRedaction(logger);
  }

  requestStarted(_event: RequestStartedEvent): void {
    // not used here
  }
  /** A failed attempt on an upstream (not a 4xx, not the client leaving): one warn line with its error code. */
  attemptFinished(event: AttemptFinishedEvent): void {
    if (event.outcome === 'success' || event.outcome === 'client_error' || event.outcome === 'aborted') return;
    this.logger.warn({
      event: 'attempt_failed',
      requestId: event.requestId,
      route: event.route,
      upstream: event.upstream,
      attempt: event.attempt,
      outcome: event.outcome,
      status: event.status,
      errorCode: event.errorCode,
      latencyMs: round3(event.latencyMs),
    }, 'upstream attempt failed');
  }
  failover(_event: FailoverEvent): void {
    // not used here
  }
  retryBudgetRejected(_event: { readonly upstream: string }): void {
    // not used here
  }
  breakerTransition(event: BreakerTransitionEvent): void {
    this.logger.warn({ event: 'breaker_transition', upstream: event.upstream, from: event.from, to: event.to }, 'circuit breaker transition');
  }
  streamOpened(): void {
    // not used here
  }
  streamClosed(): void {
    // not used here
  }

  requestFinished(event: RequestFinishedEvent): void {
    this.lines.info({
      event: 'request',
      requestId: event.requestId,
      route: event.route,
      model: event.model.slice(0, 128),
      status: event.status,
      stream: event.stream,
      upstream: event.upstream,
      attempts: event.attempts,
      failovers: event.failovers,
      retries: event.retries,
      durationMs: round3(event.durationMs),
      overheadMs: round3(event.overheadMs),
      timeToFirstTokenMs: event.timeToFirstTokenMs === undefined ? undefined : round3(event.timeToFirstTokenMs),
      promptTokens: event.usage?.promptTokens,
      completionTokens: event.usage?.completionTokens,
      costUsd: event.costUsd,
      errorCode: event.errorCode,
      clientAborted: event.status === 499 ? true : undefined,
      client: event.client,
      upstreamErrorCode: event.upstreamErrorCode,
      redactions: event.redactions,
    }, 'request finished');
    if (event.unbuffered) {
      this.logger.warn({
        event: 'response_unbuffered',
        requestId: event.requestId,
        route: event.route,
        upstream: event.upstream,
        reason: event.unbuffered,
      }, event.unbuffered === 'buffer_budget'
        ? 'response streamed through unpriced: limits.maxBufferedResponseBytes is in use by other responses'
        : 'response streamed through unpriced: larger than limits.maxResponseBytes');
    }
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
