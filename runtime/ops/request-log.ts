import type { AttemptFinishedEvent, BreakerTransitionEvent, FailoverEvent, ProxyEvents, RequestFinishedEvent, RequestStartedEvent } from '../events';
import type { Logger } from './logger';

/** One JSON log line per finished request: id, upstream, attempts, status, latency, overhead, tokens, cost. */
export class RequestLog implements ProxyEvents {
  constructor(private readonly logger: Pick<Logger, 'info' | 'warn'>) {}

  requestStarted(_event: RequestStartedEvent): void {
    // not used here
  }
  attemptFinished(_event: AttemptFinishedEvent): void {
    // not used here
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
    this.logger.info({
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
    }, 'request finished');
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
