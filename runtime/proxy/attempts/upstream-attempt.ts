import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { recordLatency, reportOutcome } from './breaker-verdict';
import type { BreakerPermit } from '../../core';
import type { AttemptOutcome } from '../../events';
import type { Exchange } from '../exchange';
import { AttemptAbort, classifyError, classifyStatus, parseRetryAfterMs } from './failure-classifier';
import { upstreamRequestHeaders } from '../upstreams/forward-headers';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/** An upstream response whose headers (and, for streams, first chunk) arrived: ready to go to the client. */
export interface Committable {
  readonly upstream: UpstreamRuntime;
  readonly permit: BreakerPermit;
  readonly response: Dispatcher.ResponseData;
  readonly controller: AbortController;
  /** Non-streams: the buffered body (complete unless `rest` is set). */
  readonly body?: Buffer;
  /** Iterator over the rest of the body (streams; or a JSON body over the buffer limit). */
  readonly rest?: AsyncIterator<Buffer>;
  /** Streams: the first chunk. */
  readonly first?: Buffer;
  readonly stripUsage: boolean;
}

/**
 * Result of one attempt: a response to commit, or a failure (already
 * reported to the breaker); `latencyMs` is time spent waiting on the upstream.
 */
export type AttemptResult =
  | { readonly kind: 'commit'; readonly value: Committable; readonly outcome: AttemptOutcome; readonly status: number; readonly latencyMs: number }
  | { readonly kind: 'failed'; readonly outcome: AttemptOutcome; readonly status?: number; readonly retryAfterMs?: number; readonly latencyMs: number };

/**
 * One try against one upstream: sends the request under the per-try timeout
 * (cut to the request deadline), and waits for what must arrive before
 * anything is sent to the client: a stream's first chunk, or a JSON body
 * (buffered up to `maxResponseBytes`). 5xx, 429, errors and timeouts come
 * back as `failed` with the breaker already told; what commits leaves the
 * breaker verdict to the commit.
 */
export async function attemptUpstream(
  x: Exchange,
  upstream: UpstreamRuntime,
  permit: BreakerPermit,
  /** 1-based number of this attempt within the request. */
  attempt: number,
  parsed: Readonly<Record<string, unknown>> | undefined,
  requestSignal: AbortSignal,
  deadlineAt: number,
): Promise<AttemptResult> {
  const { config, ctx, route, services } = x;
  const controller = new AbortController();
  const forward = (): void => controller.abort(requestSignal.reason);
  requestSignal.addEventListener('abort', forward, { once: true });
  const { body, stripUsage } = route.format.upstreamBody(route, upstream, parsed, x.stream);
  const started = performance.now();
  const remaining = (): number => Math.max(0, deadlineAt - performance.now());
  // A try cut short by the whole-request deadline (which a client can lower with
  // x-failover-timeout-ms) is not the upstream's fault: it is neutral for the breaker.
  let cutByDeadline = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, what: string): void => {
    clearTimeout(timer);
    const left = remaining();
    const byDeadline = left < ms;
    timer = setTimeout(() => {
      cutByDeadline = byDeadline;
      controller.abort(new AttemptAbort('timeout', byDeadline ? 'request deadline' : what));
    }, Math.min(ms, left));
  };
  /** Stops the timer and the abort forwarding; returns the attempt's latency (time waited on the upstream). */
  const settle = (outcome: AttemptOutcome, status?: number): number => {
    clearTimeout(timer);
    requestSignal.removeEventListener('abort', forward);
    const latencyMs = performance.now() - started;
    services.events.attemptFinished({
      requestId: ctx.requestId, route: route.route, upstream: upstream.name, attempt, outcome, status, latencyMs,
    });
    return latencyMs;
  };
  arm(config.timeouts.requestSeconds * 1000, 'per-try timeout');
  const finish = (outcome: AttemptOutcome, status?: number, retryAfterMs?: number): AttemptResult => {
    // the verdict goes to the breaker before the event, as it always has
    clearTimeout(timer);
    if (outcome === 'timeout' && cutByDeadline) upstream.breaker.onNeutral(permit);
    else reportOutcome(upstream, permit, outcome, services.now(), retryAfterMs);
    const latencyMs = settle(outcome, status);
    return { kind: 'failed', outcome, status, retryAfterMs, latencyMs };
  };
  let response: Dispatcher.ResponseData;
  try {
    // an in-flight request whose pool was replaced by a reload retries on the new pool
    const pool = upstream.pool.closing ? (services.currentUpstream(upstream.name)?.pool ?? upstream.pool) : upstream.pool;
    response = await pool.request({
      method: route.method,
      subPath: route.subPath,
      headers: upstreamRequestHeaders(x.req.headers, upstream.apiKey, ctx.requestId, body?.length),
      body,
      signal: controller.signal,
    });
  } catch (error) {
    return finish(classifyError(error, controller.signal.reason));
  }
  const status = response.statusCode;
  const outcome = classifyStatus(status);
  if (outcome === 'server_error' || outcome === 'rate_limited') {
    const retryAfterMs = outcome === 'rate_limited'
      ? parseRetryAfterMs(response.headers['retry-after'], services.now(), config.retries.maxRetryAfterSeconds * 1000)
      : undefined;
    response.body.dump().catch(() => undefined);
    return finish(outcome, status, retryAfterMs);
  }
  const commitOk = (value: Pick<Committable, 'body' | 'rest' | 'first'>): AttemptResult => {
    const latencyMs = settle(outcome, status);
    if (outcome === 'success') recordLatency(upstream, latencyMs);
    return { kind: 'commit', outcome, status, latencyMs, value: { ...value, upstream, permit, response, controller, stripUsage } };
  };
  const iterator = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const contentType = String(response.headers['content-type'] ?? '');
  if (outcome === 'success' && x.stream && contentType.includes('text/event-stream')) {
    arm(config.timeouts.firstTokenSeconds * 1000, 'first-token timeout');
    try {
      const first = await iterator.next();
      // a stream that ends before its first chunk sent nothing yet: fail over, never an empty 200
      if (first.done) return finish('connection_error', status);
      return commitOk({ first: first.value, rest: iterator });
    } catch (error) {
      return finish(classifyError(error, controller.signal.reason), status);
    }
  }
  // the per-try timeout covers headers and body: the body gets the time left, not a fresh period
  arm(Math.max(0, config.timeouts.requestSeconds * 1000 - (performance.now() - started)), 'per-try timeout');
  const limit = config.limits.maxResponseBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      chunks.push(step.value);
      size += step.value.length;
      if (size > limit) {
        return commitOk({ body: Buffer.concat(chunks, size), rest: iterator });
      }
    }
  } catch (error) {
    return finish(classifyError(error, controller.signal.reason), status);
  }
  return commitOk({ body: Buffer.concat(chunks, size) });
}
