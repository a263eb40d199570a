import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { AttemptController, type AbortLike } from './attempt-controller';
import { recordLatency, reportOutcome } from './breaker-verdict';
import { readBufferedBody, type BufferedBody } from './buffered-body';
import type { BreakerPermit } from '../../core';
import type { AttemptFinishedEvent, AttemptOutcome, UnbufferedReason } from '../../events';
import type { Exchange } from '../exchange';
import { errorCodeOf } from './error-code';
import { AttemptAbort, classifyError, classifyStatus, parseRetryAfterMs } from './failure-classifier';
import { holdBack, type HeldStream } from './stream-hold-back';
import { applyUpstreamAuth } from '../formats/upstream-auth';
import type { UpstreamPlan } from '../formats/upstream-plan';
import { upstreamSubPath } from '../intake/routes';
import { canDecode, contentCodings, decodedBody } from '../response/body-decoding';
import type { BufferLease } from '../response/buffer-budget';
import { upstreamRequestHeaders } from '../upstreams/forward-headers';
import { failedOnStaleSocket } from '../upstreams/reused-socket';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/** Largest body kept of an upstream's 404/405 on a route it does not serve (passed on when every upstream says so). */
const NOT_SERVED_BODY_BYTES = 64 * 1024;

/** An upstream response whose headers (and, for streams, its first content) arrived: ready to go to the client. */
export interface Committable {
  readonly upstream: UpstreamRuntime;
  readonly permit: BreakerPermit;
  readonly response: Dispatcher.ResponseData;
  readonly controller: AttemptController;
  /** What the upstream was sent, and how its answer reads (wire shape, translator). */
  readonly plan: UpstreamPlan;
  /** Non-streams: the buffered body (complete unless `rest` is set). */
  readonly body?: Buffer;
  /** Iterator over the rest of the body (streams; or a JSON body over the buffer limit). */
  readonly rest?: AsyncIterator<Buffer>;
  /** Streams: the pipeline and what it held back until the first content. */
  readonly stream?: HeldStream;
  /** The share of the pod's buffer budget the buffered body holds; released when the response is done. */
  readonly lease?: BufferLease;
  /** Why a JSON body goes through unbuffered (and unpriced), when it does. */
  readonly unbuffered?: UnbufferedReason;
  /** A `Content-Encoding` the proxy could not decode: passed on with the body as it came. */
  readonly contentEncoding?: string;
  /**
   * Streams and bodies passed through unbuffered: the attempt's event, sent
   * once the body has ended (with the outcome and error code of a break
   * after output started), not at commit.
   */
  readonly attemptEvent?: AttemptFinishedEvent;
}

/** An upstream's answer passed on as is when every upstream refused the route (404/405). */
export interface NotServedReply {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType?: string;
}

/**
 * Result of one attempt: a response to commit, or a failure (already
 * reported to the breaker); `latencyMs` is time spent waiting on the upstream.
 */
export type AttemptResult =
  | { readonly kind: 'commit'; readonly value: Committable; readonly outcome: AttemptOutcome; readonly status: number; readonly latencyMs: number }
  | {
    readonly kind: 'failed';
    readonly outcome: AttemptOutcome;
    readonly status?: number;
    readonly retryAfterMs?: number;
    readonly latencyMs: number;
    /** `unsupported`: the upstream's own answer. */
    readonly notServed?: NotServedReply;
    /** The error code of a failed call (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, `PROXY_TRY_TIMEOUT`, ...). */
    readonly errorCode?: string;
  };

/**
 * One try against one upstream: plans what it is sent (natively, or
 * translated for its format), sends it under the per-try timeout (cut to the
 * request deadline), and waits for what must arrive before anything is sent
 * to the client: a stream's first content (lifecycle events are held back,
 * see {@link holdBack}), or a JSON body (buffered up to `maxResponseBytes`).
 * 5xx, 429, errors, error events inside a stream and timeouts come back as
 * `failed` with the breaker already told; a 404/405 on a route the upstream
 * does not serve comes back `unsupported` (neutral); what commits leaves the
 * breaker verdict to the commit.
 */
export async function attemptUpstream(
  x: Exchange,
  upstream: UpstreamRuntime,
  permit: BreakerPermit,
  /** 1-based number of this attempt within the request. */
  attempt: number,
  parsed: Readonly<Record<string, unknown>> | undefined,
  requestSignal: AbortLike,
  deadlineAt: number,
): Promise<AttemptResult> {
  const { config, ctx, route, services } = x;
  const plan = route.format.plan(route, upstreamSubPath(route, x.req.url), upstream, parsed, x.stream);
  if (plan.kind !== 'plan') {
    // the engine leaves such upstreams out before the attempts; a reload may have changed one since
    upstream.breaker.onNeutral(permit);
    return { kind: 'failed', outcome: 'unsupported', latencyMs: 0 };
  }
  if (plan.dropped.length > 0) {
    // fields the upstream's format cannot express and that do not change the answer (README: cross-format translation)
    services.debug({ requestId: ctx.requestId, upstream: upstream.name, format: upstream.config.format, dropped: plan.dropped }, 'client fields dropped in translation');
  }
  const controller = new AttemptController();
  const forward = (): void => controller.abort(requestSignal.reason);
  requestSignal.addEventListener('abort', forward, { once: true });
  const body = plan.body;
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
  /** Stops the timer and the abort forwarding; returns the attempt's event (latency: time waited on the upstream). */
  const attemptEvent = (outcome: AttemptOutcome, status?: number, errorCode?: string): AttemptFinishedEvent => {
    clearTimeout(timer);
    requestSignal.removeEventListener('abort', forward);
    const latencyMs = performance.now() - started;
    return { requestId: ctx.requestId, route: route.route, upstream: upstream.name, attempt, outcome, status, latencyMs, errorCode };
  };
  /** {@link attemptEvent}, sent now; returns the attempt's latency. */
  const settle = (outcome: AttemptOutcome, status?: number, errorCode?: string): number => {
    const event = attemptEvent(outcome, status, errorCode);
    services.events.attemptFinished(event);
    return event.latencyMs;
  };
  arm(config.timeouts.requestSeconds * 1000, 'per-try timeout');
  const finish = (outcome: AttemptOutcome, status?: number, retryAfterMs?: number, notServed?: NotServedReply, errorCode?: string): AttemptResult => {
    // the verdict goes to the breaker before the event, as it always has
    clearTimeout(timer);
    if (outcome === 'timeout' && cutByDeadline) upstream.breaker.onNeutral(permit);
    else reportOutcome(upstream, permit, outcome, services.now(), retryAfterMs);
    const latencyMs = settle(outcome, status, errorCode);
    return { kind: 'failed', outcome, status, retryAfterMs, latencyMs, notServed, errorCode };
  };
  /** A call that threw: its outcome and its error code (undici, Node, TLS, or the proxy's own timer). */
  const failOn = (error: unknown, status?: number): AttemptResult =>
    finish(classifyError(error, controller.signal.reason), status, undefined, undefined, errorCodeOf(error, controller.signal.reason));
  // an in-flight request whose pool was replaced by a reload retries on the new pool
  const pool = upstream.pool.closing ? (services.currentUpstream(upstream.name)?.pool ?? upstream.pool) : upstream.pool;
  const headers = applyUpstreamAuth(upstreamRequestHeaders(x.req.headers, upstream.apiKey, ctx.requestId, body?.length, ctx), x.req.headers, {
    format: upstream.config.format,
    apiKey: upstream.apiKey,
    anthropicVersion: upstream.config.anthropicVersion,
  });
  const send = (fresh: boolean): Promise<Dispatcher.ResponseData> =>
    pool.request({ method: route.method, subPath: plan.subPath, headers, body, signal: controller.signal, fresh });
  let response: Dispatcher.ResponseData;
  try {
    response = await send(false);
  } catch (error) {
    if (!failedOnStaleSocket(error) || controller.signal.aborted) return failOn(error);
    // the upstream had closed the pooled connection as it was reused, before answering: that says
    // nothing about its health; the request goes once more on a fresh connection, in the same attempt
    try {
      response = await send(true);
    } catch (again) {
      return failOn(again);
    }
  }
  const status = response.statusCode;
  const outcome = classifyStatus(status);
  // an upstream that compresses despite accept-encoding: identity: what the proxy reads (JSON, SSE) is decoded
  const codings = contentCodings(response.headers['content-encoding']);
  const decodable = canDecode(codings);
  const source = decodable ? decodedBody(response.body, codings) : response.body;
  const iterate = (): AsyncIterator<Buffer> => source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  if (route.notServedOn404 && (status === 404 || status === 405)) {
    // this upstream does not serve the route (or does not know the id): the next one may
    try {
      const kept = await readUpTo(iterate(), NOT_SERVED_BODY_BYTES);
      response.body.destroy();
      return finish('unsupported', status, undefined, { status, body: kept, contentType: headerText(response.headers['content-type']) });
    } catch (error) {
      return failOn(error, status);
    }
  }
  if (outcome === 'server_error' || outcome === 'rate_limited') {
    const retryAfterMs = outcome === 'rate_limited'
      ? parseRetryAfterMs(response.headers['retry-after'], services.now(), config.retries.maxRetryAfterSeconds * 1000)
      : undefined;
    response.body.dump().catch(() => undefined);
    return finish(outcome, status, retryAfterMs);
  }
  const contentEncoding = decodable ? undefined : headerText(response.headers['content-encoding']);
  const commitOk = (value: Pick<Committable, 'body' | 'rest' | 'stream' | 'lease' | 'unbuffered'>): AttemptResult => {
    // a stream's (or an unbuffered body's) attempt is reported when it ends: a break after output started is still this attempt's
    const event = value.rest ? attemptEvent(outcome, status) : undefined;
    const latencyMs = event ? event.latencyMs : settle(outcome, status);
    if (outcome === 'success') recordLatency(upstream, latencyMs);
    // a literal of one shape, not `{ ...value, ... }`: the spread took ~8 µs a request (issue 12's profile)
    const committable: Committable = {
      upstream,
      permit,
      response,
      controller,
      plan,
      body: value.body,
      rest: value.rest,
      stream: value.stream,
      lease: value.lease,
      unbuffered: value.unbuffered,
      contentEncoding,
      attemptEvent: event,
    };
    return { kind: 'commit', outcome, status, latencyMs, value: committable };
  };
  const contentType = headerText(response.headers['content-type']) ?? '';
  if (outcome === 'success' && x.stream && contentType.includes('text/event-stream')) {
    arm(config.timeouts.firstTokenSeconds * 1000, 'first-token timeout');
    const iterator = iterate();
    const held = await holdBack(x, plan, iterator, parsed);
    if (held.kind === 'failed') {
      response.body.destroy();
      const code = errorCodeOf(held.outcome === 'broken' ? held.error : undefined, controller.signal.reason);
      return finish(held.outcome === 'broken' ? classifyError(held.error, controller.signal.reason) : held.outcome, status, undefined, undefined, code);
    }
    return commitOk({ stream: held.stream, rest: iterator });
  }
  // the per-try timeout covers headers and body: the timer armed before the request keeps running,
  // so the body gets the time left, not a fresh period
  // what is buffered counts against the pod's budget (limits.maxBufferedResponseBytes) until sent
  const lease = services.bufferBudget.lease();
  let read: BufferedBody;
  try {
    read = await readBufferedBody(source, config.limits.maxResponseBytes, lease);
  } catch (error) {
    lease.release();
    return failOn(error, status);
  }
  if (read.complete) return commitOk({ body: read.body, lease });
  // over maxResponseBytes or the pod's budget: the rest goes through unbuffered
  return commitOk({ body: read.body, rest: iterate(), lease, unbuffered: read.reason });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Reads a body up to `max` bytes (the rest is left unread). */
async function readUpTo(iterator: AsyncIterator<Buffer>, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < max) {
    const step = await iterator.next();
    if (step.done) break;
    chunks.push(step.value);
    size += step.value.length;
  }
  return Buffer.concat(chunks, size).subarray(0, max);
}
