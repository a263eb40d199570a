import { performance } from 'node:perf_hooks';
import { AttemptController } from './attempt-controller';
import { answerExhausted, type LastFailure, type NotServed } from './attempts-exhausted';
import { HEADERS } from '../../../src/contract';
import { ExponentialBackoff, type BreakerPermit } from '../../core';
import type { Answer, Exchange } from '../exchange';
import type { RequestRecord } from '../request-record';
import { AttemptAbort, isUpstreamFailure } from './failure-classifier';
import { attemptUpstream } from './upstream-attempt';
import { sleep } from './waits';
import { sendFailure } from '../response/failover-headers';
import { commitResponse } from '../response/response-commit';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/**
 * Runs the attempts of one request over `order` (upstreams by priority):
 * the next upstream whose breaker admits a call (an open breaker costs no
 * attempt), retries limited by `maxRetries`, the retry budget and one
 * deadline (lowered by `x-failover-timeout-ms`), backoff before trying an
 * upstream again, and the client going away. Commits the first response it
 * can; otherwise answers with why none came.
 *
 * The loop owns the request's `record`: the steps it calls (one attempt,
 * the commit, the refusals) return what happened and only the loop writes
 * it down.
 */
export async function runAttempts(
  x: Exchange,
  order: readonly UpstreamRuntime[],
  parsed: Readonly<Record<string, unknown>> | undefined,
  record: RequestRecord,
): Promise<void> {
  const { req, res, ctx, config, route, services } = x;
  const answered = (answer: Answer): void => {
    record.status = answer.status;
    record.errorCode = answer.errorCode;
    if (answer.upstream !== undefined) record.upstream = answer.upstream;
  };
  const requestController = new AttemptController();
  const onClose = (): void => {
    if (!res.writableFinished) requestController.abort(new AttemptAbort('client', 'client disconnected'));
  };
  res.once('close', onClose);
  const clientDeadline = parseTimeoutHeader(req.headers[HEADERS.timeoutMs]);
  if (typeof clientDeadline === 'string') {
    res.off('close', onClose);
    answered(sendFailure(x, record, 400, 'invalid_timeout', clientDeadline));
    return;
  }
  // a value above the configured deadline is capped to it silently
  const deadlineMs = clientDeadline !== undefined
    ? Math.min(clientDeadline, config.timeouts.deadlineSeconds * 1000)
    : config.timeouts.deadlineSeconds * 1000;
  const deadlineAt = performance.now() + deadlineMs;
  services.retryBudget().recordRequest(services.now());
  // the drain answers a request still waiting on an upstream (503 server_shutting_down) rather than resetting it
  const stopWaiting = (reason: string): void => requestController.abort(new AttemptAbort('shutdown', reason));
  services.waiting.add(stopWaiting);
  let current: UpstreamRuntime | undefined;

  let backoff = ExponentialBackoff.start(config.retries.baseDelayMs, config.retries.maxDelayMs);
  const tried = new Set<string>();
  let next = 0;
  let last: LastFailure | undefined;
  let all429 = true;
  let maxRetryAfterMs: number | undefined;
  // an upstream that does not serve the route (404/405 on a Responses route) is skipped for the rest of the
  // request and its attempt does not count against maxRetries
  let maxAttempts = config.retries.maxRetries + 1;
  const excluded = new Set<string>();
  let notServed: NotServed | undefined;

  try {
    while (record.attempts < maxAttempts) {
      if (requestController.signal.aborted) break;
      if (performance.now() >= deadlineAt) {
        last = last ? { ...last, outcome: 'timeout' } : undefined;
        break;
      }
      // next upstream whose breaker admits a call; an open breaker costs no attempt
      let upstream: UpstreamRuntime | undefined;
      let permit: BreakerPermit | null = null;
      for (let k = 0; k < order.length; k++) {
        const candidate = order[(next + k) % order.length];
        if (excluded.has(candidate.name)) continue;
        permit = candidate.breaker.tryAcquire(services.now());
        if (permit) {
          upstream = candidate;
          next = (next + k + 1) % order.length;
          break;
        }
      }
      if (!upstream || !permit) break;
      if (record.attempts > excluded.size && !services.retryBudget().tryAcquireRetry(services.now())) {
        upstream.breaker.onNeutral(permit);
        services.events.retryBudgetRejected({ upstream: upstream.name });
        break;
      }
      if (tried.has(upstream.name)) {
        const delay = Math.min(backoff.delayMs(services.random), Math.max(0, deadlineAt - performance.now()));
        backoff = backoff.next();
        const waitStart = performance.now();
        await sleep(delay, requestController.signal);
        record.waitedMs += performance.now() - waitStart;
        if (requestController.signal.aborted) {
          upstream.breaker.onNeutral(permit);
          break;
        }
      }
      if (last && last.upstream.name !== upstream.name) {
        record.failovers += 1;
        services.events.failover({ requestId: ctx.requestId, route: route.route, from: last.upstream.name, to: upstream.name, reason: last.outcome });
      }
      tried.add(upstream.name);
      record.attempts += 1;
      current = upstream;
      const result = await attemptUpstream(x, upstream, permit, record.attempts, parsed, requestController.signal, deadlineAt);
      record.waitedMs += result.latencyMs;
      if (result.kind === 'commit') {
        record.upstream = upstream.name;
        // from here a stream registers with the drain itself; a buffered body is on its way out
        services.waiting.delete(stopWaiting);
        const committed = commitResponse(x, result.value, requestController.signal, record);
        // a buffered answer is sent without a promise (streams and pass-throughs return one)
        const sent = committed instanceof Promise ? await committed : committed;
        const broke = sent.upstreamFailure;
        if (broke) {
          // a stream that broke after output started: its code is shown as a failed attempt's is
          upstream.lastError = { code: broke.code, outcome: broke.outcome, status: result.status, at: services.now() };
          if (broke.code !== undefined) record.upstreamErrorCode = broke.code;
        }
        const streamed = result.value.attemptEvent;
        if (streamed) services.events.attemptFinished(broke ? { ...streamed, outcome: broke.outcome, errorCode: broke.code } : streamed);
        record.redactions = sent.redactions;
        record.unbuffered = sent.unbuffered;
        answered(sent);
        record.waitedMs += sent.waitedMs;
        record.timeToFirstTokenMs = sent.timeToFirstTokenMs;
        record.usage = sent.usage;
        record.costUsd = sent.costUsd;
        return;
      }
      if (result.outcome === 'aborted') {
        break;
      }
      if (result.outcome === 'unsupported') {
        excluded.add(upstream.name);
        maxAttempts += 1;
        if (result.notServed) notServed = { upstream: upstream.name, reply: result.notServed };
        continue;
      }
      if (isUpstreamFailure(result.outcome)) {
        record.failedAttempts += 1;
        upstream.lastError = { code: result.errorCode, outcome: result.outcome, status: result.status, at: services.now() };
      }
      if (result.errorCode !== undefined) record.upstreamErrorCode = result.errorCode;
      last = { upstream, outcome: result.outcome };
      if (result.outcome !== 'rate_limited') all429 = false;
      if (result.retryAfterMs !== undefined) maxRetryAfterMs = Math.max(maxRetryAfterMs ?? 0, result.retryAfterMs);
    }
    const reason: unknown = requestController.signal.reason;
    if (reason instanceof AttemptAbort && reason.kind === 'shutdown' && !res.writableEnded) {
      const message = 'the proxy is shutting down before the upstream answered; retry the request';
      answered(sendFailure(x, record, 503, 'server_shutting_down', message, { 'connection': 'close', 'retry-after': '1' }, current?.name ?? 'none'));
      return;
    }
    const rateLimited = all429 ? { retryAfterMs: maxRetryAfterMs } : undefined;
    answered(answerExhausted(x, order, last, rateLimited, requestController.signal.aborted, record, notServed));
  } finally {
    services.waiting.delete(stopWaiting);
    res.off('close', onClose);
  }
}

/**
 * Reads `x-failover-timeout-ms`: undefined when absent, the milliseconds when
 * a positive number, else the error message naming the header and the value.
 */
export function parseTimeoutHeader(raw: string | string[] | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    return `${HEADERS.timeoutMs} must be a positive number of milliseconds (received ${JSON.stringify(text.slice(0, 40))})`;
  }
  return value;
}
