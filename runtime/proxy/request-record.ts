import type { RequestFinishedEvent, TokenUsage, UnbufferedReason } from '../events';
import type { Answer, ProxyRequestContext } from './exchange';

/**
 * Per-request bookkeeping reported by `requestFinished`. The engine opens it
 * and fills in what the intake found; from then on only the attempt loop
 * (attempts/attempt-loop.ts) writes it, from the results its steps return.
 */
export interface RequestRecord {
  model: string;
  stream: boolean;
  status: number;
  upstream?: string;
  attempts: number;
  failovers: number;
  failedAttempts: number;
  /** Time spent waiting on upstreams and backoff (not the proxy's own overhead). */
  waitedMs: number;
  timeToFirstTokenMs?: number;
  usage?: TokenUsage;
  costUsd?: number;
  errorCode?: string;
  /** The error code of the last failed attempt. */
  upstreamErrorCode?: string;
  /** Secrets removed from the response. */
  redactions?: number;
  /** Why the response went through unbuffered (unpriced), when it did. */
  unbuffered?: UnbufferedReason;
}

/** A record for a request that has not been parsed or attempted yet. */
export function newRequestRecord(): RequestRecord {
  return { model: 'unknown', stream: false, status: 0, attempts: 0, failovers: 0, failedAttempts: 0, waitedMs: 0 };
}

/** Writes down what a step answered: its status, error code and, when one answered, the upstream. */
export function noteAnswer(record: RequestRecord, answer: Answer): void {
  record.status = answer.status;
  record.errorCode = answer.errorCode;
  if (answer.upstream !== undefined) record.upstream = answer.upstream;
}

/** The `requestFinished` event of a record; `fallbackStatus` is used when the record has none. */
export function requestFinishedEvent(
  record: RequestRecord,
  ctx: ProxyRequestContext,
  route: string,
  fallbackStatus: number,
  durationMs: number,
): RequestFinishedEvent {
  return {
    requestId: ctx.requestId,
    route,
    model: record.model,
    status: record.status || fallbackStatus,
    stream: record.stream,
    upstream: record.upstream,
    attempts: record.attempts,
    failovers: record.failovers,
    failedAttempts: record.failedAttempts,
    retries: Math.max(0, record.attempts - 1),
    durationMs,
    overheadMs: Math.max(0, durationMs - record.waitedMs),
    timeToFirstTokenMs: record.timeToFirstTokenMs,
    usage: record.usage,
    costUsd: record.costUsd,
    errorCode: record.errorCode,
    client: ctx.client,
    upstreamErrorCode: record.upstreamErrorCode,
    redactions: record.redactions,
    unbuffered: record.unbuffered,
  };
}
