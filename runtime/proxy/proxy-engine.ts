import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { HEADERS, type ProxyConfig } from '../../src/contract';
import { ExponentialBackoff, RetryBudget, UpstreamSelector, priceUsage, type BreakerPermit } from '../core';
import { NO_EVENTS, type AttemptOutcome, type BreakerStateName, type ProxyEvents, type TokenUsage } from '../events';
import { AttemptAbort, classifyError, classifyStatus, isUpstreamFailure, parseRetryAfterMs } from './failure-classifier';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers';
import { HealthChecker } from './health-checker';
import { readBoundedBody } from './request-body';
import { matchRoute, type ProxyRoute } from './routes';
import { SseUsageFilter, sseErrorEvent, usageOfJson } from './sse-relay';
import { buildUpstreamRuntimes, type UpstreamRuntime } from './upstream-runtime';
import { sendOpenAIError } from '../http/openai-error';

type EngineLogger = Pick<import('pino').Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** Options of {@link ProxyEngine}. */
export interface ProxyEngineOptions {
  /** Validated config (from src/contract). */
  config: ProxyConfig;
  /** Where upstream keys are read (`apiKeyEnv`); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Observability sink; default {@link NO_EVENTS}. */
  events?: ProxyEvents;
  /** Logger; default silent. */
  logger?: EngineLogger;
  /** ms clock for the pure core; default `Date.now`. */
  now?: () => number;
  /** [0, 1) source for jitter; default `Math.random`. */
  random?: () => number;
}

/** Per-request context the server hands the engine. */
export interface ProxyRequestContext {
  /** Generated or accepted by the server, which also sets `x-request-id`. */
  requestId: string;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /** Key fingerprint or remote address (for events/logs); never a key. */
  client?: string;
}

/** One upstream as `/health/upstreams` and `/v1/status` show it. */
export interface UpstreamStatus {
  name: string;
  baseUrl: string;
  priority: number;
  weight: number;
  state: BreakerStateName;
  consecutiveFailures: number;
  /** 0..1 over the breaker's sliding window. */
  recentErrorRate: number;
  /** EWMA of recent successful attempts' latency, in ms. */
  recentLatencyMs: number | null;
  /** ISO time while open. */
  openUntil: string | null;
  models: string[];
}

/** Config and upstreams one request runs with (swapped atomically on reconfigure). */
interface EngineState {
  readonly config: ProxyConfig;
  readonly upstreams: readonly UpstreamRuntime[];
}

/** An upstream response whose headers (and, for streams, first chunk) arrived. */
interface Committable {
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

/** Result of one attempt. */
type AttemptResult =
  | { readonly kind: 'commit'; readonly value: Committable; readonly outcome: AttemptOutcome; readonly status: number }
  | { readonly kind: 'failed'; readonly outcome: AttemptOutcome; readonly status?: number; readonly retryAfterMs?: number };

/** Per-request bookkeeping for `requestFinished`. */
interface RequestRecord {
  model: string;
  stream: boolean;
  status: number;
  upstream?: string;
  attempts: number;
  failovers: number;
  failedAttempts: number;
  waitedMs: number;
  timeToFirstTokenMs?: number;
  usage?: TokenUsage;
  costUsd?: number;
  errorCode?: string;
}

const SILENT: EngineLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const EWMA_ALPHA = 0.2;

/**
 * The failover engine: routes one OpenAI-compatible request through the
 * upstreams by priority, with a breaker per upstream, retries with backoff, a
 * retry budget, per-try timeouts and one deadline, and streams relayed chunk
 * by chunk. Never throws from {@link handle}; always answers.
 */
export class ProxyEngine {
  private state: EngineState;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly events: ProxyEvents;
  private readonly logger: EngineLogger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly selector = new UpstreamSelector();
  private budget: RetryBudget;
  private readonly streams = new Set<(reason: string) => void>();
  private healthChecker: HealthChecker | undefined;
  private closed = false;

  public constructor(options: ProxyEngineOptions) {
    this.env = options.env ?? process.env;
    this.events = options.events ?? NO_EVENTS;
    this.logger = options.logger ?? SILENT;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.state = { config: options.config, upstreams: this.buildRuntimes(options.config, []) };
    this.budget = this.newBudget(options.config);
    this.startHealthChecks();
  }

  /** The config new requests run with. */
  public get config(): ProxyConfig {
    return this.state.config;
  }

  /**
   * Swaps config atomically; in-flight requests keep the config they started
   * with. Upstreams whose name+baseUrl are unchanged keep their breaker state
   * with the new breaker settings applied, and their pool unless timeouts or
   * egress changed (then a new pool is built); replaced and removed pools
   * close after their in-flight requests.
   */
  public reconfigure(config: ProxyConfig): void {
    const upstreams = this.buildRuntimes(config, this.state.upstreams);
    const retries = this.state.config.retries;
    if (retries.budgetRatio !== config.retries.budgetRatio || retries.minRetriesPerSecond !== config.retries.minRetriesPerSecond) {
      this.budget = this.newBudget(config);
    }
    this.state = { config, upstreams };
    this.healthChecker?.stop();
    this.healthChecker = undefined;
    this.startHealthChecks();
  }

  /** Breaker and latency view of every upstream. */
  public upstreamStatus(): UpstreamStatus[] {
    const now = this.now();
    return this.state.upstreams.map((u) => {
      const openUntil = u.breaker.openUntil;
      return {
        name: u.name,
        baseUrl: u.config.baseUrl,
        priority: u.priority,
        weight: u.weight,
        state: u.breaker.state,
        consecutiveFailures: u.breaker.consecutiveFailures,
        recentErrorRate: u.breaker.errorRate(now),
        recentLatencyMs: u.latencyMs === null ? null : Math.round(u.latencyMs),
        openUntil: openUntil === null ? null : new Date(openUntil).toISOString(),
        models: [...u.models],
      };
    });
  }

  /** Number of streams currently open to clients. */
  public openStreams(): number {
    return this.streams.size;
  }

  /** Drain: ends every open stream with an SSE error event and aborts its upstream. */
  public abortStreams(reason: string): void {
    for (const abort of [...this.streams]) abort(reason);
  }

  /** Stops health checks and closes pools (after in-flight requests). */
  public async close(): Promise<void> {
    this.closed = true;
    this.healthChecker?.stop();
    this.healthChecker = undefined;
    await Promise.all(this.state.upstreams.map((u) => u.pool.close()));
  }

  /**
   * Handles POST /v1/chat/completions, /v1/completions, /v1/embeddings and
   * GET /v1/models. Never throws; always answers.
   */
  public async handle(req: IncomingMessage, res: ServerResponse, ctx: ProxyRequestContext): Promise<void> {
    const state = this.state;
    const route = matchRoute(req.url);
    const record: RequestRecord = { model: 'unknown', stream: false, status: 0, attempts: 0, failovers: 0, failedAttempts: 0, waitedMs: 0 };
    const routeName = route?.route ?? 'unknown';
    try {
      res.setHeader(HEADERS.requestId, ctx.requestId);
      if (!route) {
        this.fail(res, record, 404, 'not_found', `unknown path ${JSON.stringify((req.url ?? '').split('?')[0].slice(0, 100))}`, ctx);
        return;
      }
      if (req.method !== route.method) {
        this.fail(res, record, 405, 'method_not_allowed', `${route.route} accepts ${route.method}, received ${String(req.method).slice(0, 16)}`, ctx, { allow: route.method });
        return;
      }
      await this.handleRoute(req, res, ctx, state, route, record);
    } catch (error) {
      this.logger.error({ err: error, requestId: ctx.requestId }, 'proxy engine failed');
      if (!res.headersSent) {
        this.fail(res, record, 500, 'internal_error', 'the proxy failed to handle the request', ctx);
      } else if (!res.writableEnded) {
        res.end();
      }
    } finally {
      const durationMs = performance.now() - ctx.receivedAt;
      this.events.requestFinished({
        requestId: ctx.requestId,
        route: routeName,
        model: record.model,
        status: record.status || res.statusCode,
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
      });
    }
  }

  private async handleRoute(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: ProxyRequestContext,
    state: EngineState,
    route: ProxyRoute,
    record: RequestRecord,
  ): Promise<void> {
    const { config } = state;
    let parsed: Record<string, unknown> | undefined;
    if (route.hasBody) {
      const read = await readBoundedBody(req, config.limits.maxBodyBytes);
      if (!read.ok) {
        if (read.reason === 'too_large') {
          this.fail(res, record, 413, 'request_too_large', `request body of ${read.received} bytes exceeds the limit of ${config.limits.maxBodyBytes} bytes`, ctx, { connection: 'close' });
        } else {
          record.status = 499;
          record.errorCode = 'client_closed_request';
          if (!res.writableEnded) res.destroy();
        }
        return;
      }
      try {
        const value: unknown = JSON.parse(read.body.toString('utf8'));
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        parsed = value as Record<string, unknown>;
      } catch {
        this.fail(res, record, 400, 'invalid_json', `request body is not a JSON object (received ${read.body.length} bytes)`, ctx);
        return;
      }
      if (typeof parsed.model === 'string') record.model = parsed.model.slice(0, 200);
      record.stream = route.streamable && parsed.stream === true;
    } else {
      req.resume();
    }
    this.events.requestStarted({ requestId: ctx.requestId, route: route.route, stream: record.stream });

    const model = typeof parsed?.model === 'string' ? parsed.model : undefined;
    // routes without a body (GET /v1/models) name no model: every upstream may serve them
    const order = route.hasBody ? this.selector.order(state.upstreams, model) : this.selector.order(state.upstreams, model, { anyModel: true });
    if (order.length === 0) {
      this.fail(res, record, 404, 'model_not_found', `no upstream serves model ${JSON.stringify(model ?? null)}`, ctx);
      return;
    }
    await this.runAttempts(req, res, ctx, state, route, record, order, parsed);
  }

  private async runAttempts(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: ProxyRequestContext,
    state: EngineState,
    route: ProxyRoute,
    record: RequestRecord,
    order: readonly UpstreamRuntime[],
    parsed: Record<string, unknown> | undefined,
  ): Promise<void> {
    const { config } = state;
    const requestController = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) requestController.abort(new AttemptAbort('client', 'client disconnected'));
    };
    res.once('close', onClose);
    const clientDeadline = Number(req.headers[HEADERS.timeoutMs]);
    const deadlineMs = Number.isFinite(clientDeadline) && clientDeadline > 0
      ? Math.min(clientDeadline, config.timeouts.deadlineSeconds * 1000)
      : config.timeouts.deadlineSeconds * 1000;
    const deadlineAt = performance.now() + deadlineMs;
    this.budget.recordRequest(this.now());

    let backoff = ExponentialBackoff.start(config.retries.baseDelayMs, config.retries.maxDelayMs);
    const tried = new Set<string>();
    let next = 0;
    let last: { upstream: UpstreamRuntime; outcome: AttemptOutcome; retryAfterMs?: number } | undefined;
    let all429 = true;
    let maxRetryAfterMs: number | undefined;
    const maxAttempts = config.retries.maxRetries + 1;

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
          permit = candidate.breaker.tryAcquire(this.now());
          if (permit) {
            upstream = candidate;
            next = (next + k + 1) % order.length;
            break;
          }
        }
        if (!upstream || !permit) break;
        if (record.attempts > 0 && !this.budget.tryAcquireRetry(this.now())) {
          upstream.breaker.onNeutral(permit);
          this.events.retryBudgetRejected({ upstream: upstream.name });
          break;
        }
        if (tried.has(upstream.name)) {
          const delay = Math.min(backoff.delayMs(this.random), Math.max(0, deadlineAt - performance.now()));
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
          this.events.failover({ requestId: ctx.requestId, route: route.route, from: last.upstream.name, to: upstream.name, reason: last.outcome });
        }
        tried.add(upstream.name);
        record.attempts += 1;
        const result = await this.attempt(req, ctx, state, route, record, upstream, permit, parsed, requestController.signal, deadlineAt);
        if (result.kind === 'commit') {
          record.upstream = upstream.name;
          await this.commit(res, ctx, state, route, record, result.value, requestController.signal);
          return;
        }
        if (result.outcome === 'aborted') {
          break;
        }
        if (isUpstreamFailure(result.outcome)) record.failedAttempts += 1;
        last = { upstream, outcome: result.outcome, retryAfterMs: result.retryAfterMs };
        if (result.outcome !== 'rate_limited') all429 = false;
        if (result.retryAfterMs !== undefined) maxRetryAfterMs = Math.max(maxRetryAfterMs ?? 0, result.retryAfterMs);
      }
      this.finishWithoutResponse(res, ctx, state, record, order, last, all429, maxRetryAfterMs, requestController.signal.aborted);
    } finally {
      res.off('close', onClose);
    }
  }

  private finishWithoutResponse(
    res: ServerResponse,
    ctx: ProxyRequestContext,
    state: EngineState,
    record: RequestRecord,
    order: readonly UpstreamRuntime[],
    last: { upstream: UpstreamRuntime; outcome: AttemptOutcome } | undefined,
    all429: boolean,
    retryAfterMs: number | undefined,
    clientGone: boolean,
  ): void {
    if (clientGone) {
      record.status = 499;
      record.errorCode = 'client_closed_request';
      record.upstream = last?.upstream.name;
      if (!res.writableEnded) res.destroy();
      return;
    }
    const attempted = last?.upstream.name ?? 'none';
    if (!last) {
      const now = this.now();
      const opens = order.map((u) => u.breaker.openUntil).filter((t): t is number => t !== null);
      const waitS = opens.length > 0 ? Math.max(1, Math.ceil((Math.min(...opens) - now) / 1000)) : 1;
      this.fail(res, record, 503, 'all_circuits_open', `every upstream's circuit breaker is open (${order.map((u) => u.name).join(', ')})`, ctx, { 'retry-after': String(waitS) }, attempted);
      return;
    }
    if (all429) {
      const headers: Record<string, string> = {};
      if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
      this.fail(res, record, 429, 'rate_limit_exceeded', `every attempt was rate limited by the upstream (last: ${last.upstream.name}, ${record.attempts} attempts)`, ctx, headers, attempted);
      return;
    }
    if (last.outcome === 'timeout') {
      this.fail(res, record, 504, 'upstream_timeout', `the upstream timed out (last: ${last.upstream.name}, ${record.attempts} attempts)`, ctx, {}, attempted);
      return;
    }
    void state;
    this.fail(res, record, 502, 'all_upstreams_failed', `every attempt failed (last: ${last.upstream.name} ${last.outcome}, ${record.attempts} attempts)`, ctx, {}, attempted);
  }

  /** Upstream body for one attempt: model rewrite and, for streams, `include_usage`. */
  private upstreamBody(
    route: ProxyRoute,
    upstream: UpstreamRuntime,
    parsed: Record<string, unknown> | undefined,
    stream: boolean,
  ): { body?: Buffer; stripUsage: boolean } {
    if (!parsed) return { stripUsage: false };
    const copy: Record<string, unknown> = { ...parsed };
    // own properties only: a client model named `constructor` or `__proto__` must not hit Object.prototype
    if (typeof copy.model === 'string' && Object.hasOwn(upstream.config.modelRewrites, copy.model)) {
      copy.model = upstream.config.modelRewrites[copy.model];
    }
    let stripUsage = false;
    if (stream && route.streamable && upstream.config.includeUsage) {
      const options = copy.stream_options && typeof copy.stream_options === 'object' ? (copy.stream_options as Record<string, unknown>) : {};
      if (options.include_usage !== true) {
        copy.stream_options = { ...options, include_usage: true };
        stripUsage = true;
      }
    }
    return { body: Buffer.from(JSON.stringify(copy)), stripUsage };
  }

  private async attempt(
    req: IncomingMessage,
    ctx: ProxyRequestContext,
    state: EngineState,
    route: ProxyRoute,
    record: RequestRecord,
    upstream: UpstreamRuntime,
    permit: BreakerPermit,
    parsed: Record<string, unknown> | undefined,
    requestSignal: AbortSignal,
    deadlineAt: number,
  ): Promise<AttemptResult> {
    const { config } = state;
    const controller = new AbortController();
    const forward = (): void => controller.abort(requestSignal.reason);
    requestSignal.addEventListener('abort', forward, { once: true });
    const { body, stripUsage } = this.upstreamBody(route, upstream, parsed, record.stream);
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
    arm(config.timeouts.requestSeconds * 1000, 'per-try timeout');
    const finish = (outcome: AttemptOutcome, status?: number, retryAfterMs?: number): AttemptResult => {
      clearTimeout(timer);
      requestSignal.removeEventListener('abort', forward);
      const latencyMs = performance.now() - started;
      record.waitedMs += latencyMs;
      if (outcome === 'timeout' && cutByDeadline) upstream.breaker.onNeutral(permit);
      else this.verdict(upstream, permit, outcome, retryAfterMs);
      this.events.attemptFinished({
        requestId: ctx.requestId, route: route.route, upstream: upstream.name, attempt: record.attempts, outcome, status, latencyMs,
      });
      return { kind: 'failed', outcome, status, retryAfterMs };
    };
    let response: Dispatcher.ResponseData;
    try {
      // an in-flight request whose pool was replaced by a reload retries on the new pool
      const pool = upstream.pool.closing ? (this.state.upstreams.find((u) => u.name === upstream.name)?.pool ?? upstream.pool) : upstream.pool;
      response = await pool.request({
        method: route.method,
        subPath: route.subPath,
        headers: upstreamRequestHeaders(req.headers, upstream.apiKey, ctx.requestId, body?.length),
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
        ? parseRetryAfterMs(response.headers['retry-after'], this.now(), config.retries.maxRetryAfterSeconds * 1000)
        : undefined;
      response.body.dump().catch(() => undefined);
      return finish(outcome, status, retryAfterMs);
    }
    const commitOk = (value: Omit<Committable, 'upstream' | 'permit' | 'response' | 'controller' | 'stripUsage'>): AttemptResult => {
      clearTimeout(timer);
      requestSignal.removeEventListener('abort', forward);
      const latencyMs = performance.now() - started;
      record.waitedMs += latencyMs;
      this.events.attemptFinished({
        requestId: ctx.requestId, route: route.route, upstream: upstream.name, attempt: record.attempts, outcome, status, latencyMs,
      });
      if (outcome === 'success') {
        upstream.latencyMs = upstream.latencyMs === null ? latencyMs : upstream.latencyMs * (1 - EWMA_ALPHA) + latencyMs * EWMA_ALPHA;
      }
      return { kind: 'commit', outcome, status, value: { ...value, upstream, permit, response, controller, stripUsage } };
    };
    const iterator = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const contentType = String(response.headers['content-type'] ?? '');
    if (outcome === 'success' && record.stream && contentType.includes('text/event-stream')) {
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

  /** Tells the breaker how an attempt went. */
  private verdict(upstream: UpstreamRuntime, permit: BreakerPermit, outcome: AttemptOutcome, retryAfterMs?: number): void {
    const now = this.now();
    if (outcome === 'success') upstream.breaker.onSuccess(now, permit);
    else if (isUpstreamFailure(outcome)) upstream.breaker.onFailure(now, permit, outcome === 'rate_limited' ? retryAfterMs : undefined);
    else upstream.breaker.onNeutral(permit);
  }

  private proxyHeaders(ctx: ProxyRequestContext, record: RequestRecord, upstream: string): Record<string, string> {
    const overhead = Math.max(0, performance.now() - ctx.receivedAt - record.waitedMs);
    return {
      [HEADERS.upstream]: upstream,
      [HEADERS.attempts]: String(record.attempts),
      [HEADERS.overheadMs]: overhead.toFixed(1),
      [HEADERS.requestId]: ctx.requestId,
    };
  }

  private async commit(
    res: ServerResponse,
    ctx: ProxyRequestContext,
    state: EngineState,
    route: ProxyRoute,
    record: RequestRecord,
    value: Committable,
    requestSignal: AbortSignal,
  ): Promise<void> {
    const { upstream, permit, response } = value;
    const status = response.statusCode;
    record.status = status;
    const headers: OutgoingHttpHeaders = { ...clientResponseHeaders(response.headers), ...this.proxyHeaders(ctx, record, upstream.name) };
    if (value.first !== undefined && value.rest) {
      await this.relayStream(res, ctx, state, record, value, headers, requestSignal);
      return;
    }
    const body = value.body ?? Buffer.alloc(0);
    if (value.rest) {
      // over the buffer limit: pass the rest through unpriced
      res.writeHead(status, headers);
      res.write(body);
      try {
        for (;;) {
          const step = await value.rest.next();
          if (step.done) break;
          if (!res.write(step.value)) await waitDrain(res, requestSignal);
        }
        this.verdict(upstream, permit, classifyStatus(status));
      } catch {
        this.verdict(upstream, permit, requestSignal.aborted ? 'aborted' : 'connection_error');
        res.destroy();
        return;
      }
      res.end();
      return;
    }
    this.verdict(upstream, permit, classifyStatus(status));
    if (status < 300 && route.hasBody) {
      const usage = usageOfJson(body);
      if (usage) {
        record.usage = usage;
        record.costUsd = priceUsage(state.config.pricing, record.model, usage.promptTokens, usage.completionTokens);
        headers[HEADERS.costUsd] = formatCost(record.costUsd);
      }
    }
    if (status >= 400) record.errorCode = errorCodeOf(body);
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(body);
  }

  private async relayStream(
    res: ServerResponse,
    ctx: ProxyRequestContext,
    state: EngineState,
    record: RequestRecord,
    value: Committable,
    headers: OutgoingHttpHeaders,
    requestSignal: AbortSignal,
  ): Promise<void> {
    const { upstream, permit, controller } = value;
    const config = state.config;
    const filter = new SseUsageFilter(value.stripUsage);
    let endedBy: string | undefined;
    const stop = (reason: string): void => {
      if (endedBy) return;
      endedBy = reason;
      controller.abort(new AttemptAbort('shutdown', reason));
    };
    const onClientGone = (): void => {
      if (!endedBy) endedBy = 'client';
      controller.abort(requestSignal.reason ?? new AttemptAbort('client', 'client disconnected'));
    };
    requestSignal.addEventListener('abort', onClientGone, { once: true });
    if (requestSignal.aborted) onClientGone();
    this.streams.add(stop);
    this.events.streamOpened();
    let idle: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        if (!endedBy) endedBy = 'idle';
        controller.abort(new AttemptAbort('timeout', 'stream idle timeout'));
      }, config.timeouts.streamIdleSeconds * 1000);
    };
    let outcome: AttemptOutcome = 'success';
    try {
      headers['cache-control'] = headers['cache-control'] ?? 'no-cache';
      res.writeHead(200, headers);
      record.timeToFirstTokenMs = performance.now() - ctx.receivedAt;
      const firstOut = filter.push(value.first!);
      if (firstOut) res.write(firstOut);
      armIdle();
      for (;;) {
        const step = await value.rest!.next();
        if (step.done) break;
        armIdle();
        const out = filter.push(step.value);
        if (out && !res.write(out)) {
          // a slow-reading client is not the upstream's silence: no idle timer while waiting on it
          clearTimeout(idle);
          await waitDrain(res, requestSignal);
          armIdle();
        }
      }
      const tail = filter.flush();
      if (tail) res.write(tail);
      if (!filter.sawDone && !endedBy) {
        outcome = 'connection_error';
        res.write(sseErrorEvent('upstream_stream_incomplete', `the stream from ${upstream.name} ended before [DONE]`));
      }
    } catch (error) {
      if (endedBy === 'client') {
        outcome = 'aborted';
      } else if (endedBy && endedBy !== 'idle') {
        outcome = 'aborted';
        if (!res.writableEnded) res.write(sseErrorEvent('server_shutting_down', `the stream was ended by the proxy: ${endedBy}`));
      } else {
        outcome = classifyError(error, controller.signal.reason);
        if (!res.writableEnded && !res.destroyed) {
          res.write(sseErrorEvent(outcome === 'timeout' ? 'upstream_timeout' : 'upstream_stream_broken', `the stream from ${upstream.name} broke after output started (${outcome})`));
        }
      }
    } finally {
      clearTimeout(idle);
      requestSignal.removeEventListener('abort', onClientGone);
      this.streams.delete(stop);
      this.events.streamClosed();
      if (!res.writableEnded && !res.destroyed) res.end();
      this.verdict(upstream, permit, outcome);
      if (outcome !== 'success' && outcome !== 'aborted') record.errorCode = outcome === 'timeout' ? 'upstream_timeout' : 'upstream_stream_broken';
      if (filter.usage) {
        record.usage = filter.usage;
        record.costUsd = priceUsage(config.pricing, record.model, filter.usage.promptTokens, filter.usage.completionTokens);
      }
    }
  }

  /** Sends an OpenAI-style error with the proxy's headers and records it. */
  private fail(
    res: ServerResponse,
    record: RequestRecord,
    status: number,
    code: string,
    message: string,
    ctx: ProxyRequestContext,
    extra: Record<string, string> = {},
    upstream = 'none',
  ): void {
    record.status = status;
    record.errorCode = code;
    sendOpenAIError(res, status, code, message, { ...this.proxyHeaders(ctx, record, upstream), ...extra });
  }

  private buildRuntimes(config: ProxyConfig, previous: readonly UpstreamRuntime[]): UpstreamRuntime[] {
    const { runtimes, retired } = buildUpstreamRuntimes(config, previous, {
      env: this.env,
      random: this.random,
      onTransition: (upstream, from, to) => {
        this.logger.info({ upstream, from, to }, 'circuit breaker transition');
        this.events.breakerTransition({ upstream, from, to });
      },
      warn: (message, fields) => this.logger.warn(fields, message),
    });
    for (const pool of retired) void pool.close();
    return runtimes;
  }

  private newBudget(config: ProxyConfig): RetryBudget {
    return new RetryBudget({ ratio: config.retries.budgetRatio, minPerSecond: config.retries.minRetriesPerSecond });
  }

  private startHealthChecks(): void {
    const hc = this.state.config.healthChecks;
    if (!hc.enabled || this.closed) return;
    this.healthChecker = new HealthChecker({
      intervalMs: hc.intervalSeconds * 1000,
      timeoutMs: hc.timeoutSeconds * 1000,
      now: this.now,
      random: this.random,
      upstreams: () => this.state.upstreams,
    });
    this.healthChecker.start();
  }
}

/** Cost as a fixed decimal string, trailing zeros trimmed, for `x-failover-cost-usd` (never `1.2e-7`). */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '0';
  return usd.toFixed(10).replace(/\.?0+$/, '') || '0';
}

/** The OpenAI `error.code` of an upstream error body, if readable and short. */
function errorCodeOf(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' && code.length <= 64 ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Waits for `drain` (or the client going away). */
function waitDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
