import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ProxyConfig } from '../../src/contract';
import { RetryBudget, UpstreamSelector, type Disposable } from '../core';
import { NO_EVENTS, type BreakerStateName, type ProxyEvents } from '../events';
import { runAttempts } from './attempts/attempt-loop';
import { eligibleUpstreams } from './attempts/eligible-upstreams';
import type { EngineServices, Exchange, Intake, ProxyRequestContext } from './exchange';
import { LocalResponseAffinity, type ResponseAffinity } from './formats/response-affinity';
import { readRequestJson } from './intake/request-json';
import { newRequestRecord, noteAnswer, requestFinishedEvent } from './request-record';
import { BufferBudget } from './response/buffer-budget';
import { NO_ATTEMPTS, sendFailure } from './response/failover-headers';
import { proxySecrets, SecretRedactor } from './response/secret-redactor';
import { HealthChecker } from './upstreams/health-checker';
import { trackSocketReuse } from './upstreams/reused-socket';
import { buildUpstreamRuntimes, type BreakerSharing, type UpstreamRuntime, type UpstreamError } from './upstreams/upstream-runtime';

export type { ProxyRequestContext } from './exchange';

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
  /**
   * Which upstream created each Responses API response id; default a
   * per-pod LRU of `limits.responseAffinityEntries` ids (shared state may
   * pass a fleet-wide one).
   */
  responseAffinity?: ResponseAffinity;
  /** Breakers shared across replicas (shared state); default: each breaker decides alone. */
  breakerSharing?: BreakerSharing;
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
  /** ISO time while open (null while isolated: it opens by hand only). */
  openUntil: string | null;
  /** Held open by hand ({@link ProxyEngine.isolate}). */
  isolated: boolean;
  models: string[];
  /** The last failed attempt on this upstream, with its error code (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, ...); null before any. */
  lastError: UpstreamErrorView | null;
}

/** {@link UpstreamError} as `/v1/status` shows it. */
export interface UpstreamErrorView {
  readonly code: string | null;
  readonly outcome: UpstreamError['outcome'];
  readonly status: number | null;
  /** ISO time of the failure. */
  readonly at: string;
}

/** Config and upstreams one request runs with (swapped atomically on reconfigure). */
interface EngineState {
  readonly config: ProxyConfig;
  readonly upstreams: readonly UpstreamRuntime[];
}

const SILENT: EngineLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The failover engine: routes one OpenAI-compatible request through the
 * upstreams by priority, with a breaker per upstream, retries with backoff, a
 * retry budget, per-try timeouts and one deadline, and streams relayed chunk
 * by chunk. Never throws from {@link handle}; always answers.
 *
 * This class is the composition: config and reloads, status, isolation and
 * shutdown. A request's path reads top to bottom through the folders beside
 * it: intake/ (route table, body, JSON checks), attempts/ (the attempt loop,
 * one try, failure classes, breaker verdicts, exhausted answers), response/
 * (JSON commit, stream relay, usage), with upstreams/ (pools, runtimes,
 * headers, health checks) underneath and formats/ (the API format a route
 * speaks) as the seam for new client APIs.
 */
export class ProxyEngine {
  private state: EngineState;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly events: ProxyEvents;
  private readonly logger: EngineLogger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly breakerSharing: BreakerSharing | undefined;
  private readonly selector = new UpstreamSelector();
  private budget: RetryBudget;
  private readonly streams = new Set<(reason: string) => void>();
  private readonly waiting = new Set<(reason: string) => void>();
  private readonly bufferBudget: BufferBudget;
  private redactor: SecretRedactor;
  private readonly services: EngineServices;
  private readonly affinity: ResponseAffinity;
  private healthChecker: HealthChecker | undefined;
  private closed = false;

  public constructor(options: ProxyEngineOptions) {
    this.env = options.env ?? process.env;
    this.events = options.events ?? NO_EVENTS;
    this.logger = options.logger ?? SILENT;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.affinity = options.responseAffinity ?? new LocalResponseAffinity(options.config.limits.responseAffinityEntries);
    this.breakerSharing = options.breakerSharing;
    this.state = { config: options.config, upstreams: this.buildRuntimes(options.config, []) };
    this.budget = this.newBudget(options.config);
    this.bufferBudget = new BufferBudget(options.config.limits.maxBufferedResponseBytes);
    this.redactor = this.newRedactor();
    trackSocketReuse();
    this.services = {
      events: this.events,
      now: this.now,
      random: this.random,
      retryBudget: () => this.budget,
      currentUpstream: (name) => this.state.upstreams.find((u) => u.name === name),
      streams: this.streams,
      waiting: this.waiting,
      bufferBudget: this.bufferBudget,
      redactor: () => this.redactor,
      affinity: this.affinity,
      debug: (fields, message) => this.logger.debug(fields, message),
    };
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
    this.bufferBudget.setLimit(config.limits.maxBufferedResponseBytes);
    this.redactor = this.newRedactor();
    if (this.affinity instanceof LocalResponseAffinity) this.affinity.resize(config.limits.responseAffinityEntries);
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
        consecutiveFailures: u.stats.consecutiveFailures,
        recentErrorRate: u.stats.errorRate(now),
        recentLatencyMs: u.latencyMs === null ? null : Math.round(u.latencyMs),
        openUntil: openUntil === null ? null : new Date(openUntil).toISOString(),
        isolated: u.breaker.isolated,
        models: [...u.models],
        lastError: u.lastError === null
          ? null
          : {
            code: u.lastError.code ?? null,
            outcome: u.lastError.outcome,
            status: u.lastError.status ?? null,
            at: new Date(u.lastError.at).toISOString(),
          },
      };
    });
  }

  /**
   * Takes an upstream out by hand (an operator draining a region): its
   * breaker is held open, so requests fail over past it without an attempt,
   * until the returned hold is disposed (then it goes half-open and probes
   * decide). The hold survives reloads that keep the upstream (same name and
   * base URL). Throws naming the upstream when there is none by that name.
   */
  public isolate(upstream: string): Disposable {
    const runtime = this.state.upstreams.find((u) => u.name === upstream);
    if (!runtime) {
      throw new Error(`no upstream named ${JSON.stringify(upstream)} (upstreams: ${this.state.upstreams.map((u) => u.name).join(', ')})`);
    }
    return runtime.breaker.isolate();
  }

  /** Number of streams currently open to clients. */
  public openStreams(): number {
    return this.streams.size;
  }

  /**
   * Drain: ends every open stream with an SSE error event and aborts its
   * upstream, and answers every buffered request still waiting on an
   * upstream with 503 `server_shutting_down` (rather than a reset).
   */
  public abortStreams(reason: string): void {
    for (const abort of [...this.streams]) abort(reason);
    for (const abort of [...this.waiting]) abort(reason);
  }

  /** Upstream response bytes held in memory now, against `limits.maxBufferedResponseBytes`. */
  public bufferedResponseBytes(): number {
    return this.bufferBudget.used;
  }

  /** Stops health checks and closes pools (after in-flight requests). */
  public async close(): Promise<void> {
    this.closed = true;
    this.healthChecker?.stop();
    this.healthChecker = undefined;
    await Promise.all(this.state.upstreams.map((u) => u.pool.close()));
  }

  /**
   * Runs one request the server accepted on an engine route (`ctx.route`):
   * reads its body, picks the upstreams that serve the model, then runs the
   * attempts. The server owns the transport (request id, auth, rate limit,
   * declared body size, concurrency); the engine owns what happens on the
   * route. Never throws; always answers.
   */
  public async handle(req: IncomingMessage, res: ServerResponse, ctx: ProxyRequestContext): Promise<void> {
    const state = this.state;
    const route = ctx.route;
    const intake: Intake = { req, res, ctx, config: state.config, route, services: this.services };
    const record = newRequestRecord();
    try {
      let parsed: Record<string, unknown> | undefined;
      if (route.hasBody) {
        const reading = readRequestJson(intake);
        const read = reading instanceof Promise ? await reading : reading;
        if (!read.ok) {
          noteAnswer(record, read.answer);
          return;
        }
        parsed = read.body;
        record.model = read.facts.model ?? record.model;
        record.stream = read.facts.stream;
      } else {
        req.resume();
      }
      this.events.requestStarted({ requestId: ctx.requestId, route: route.route, stream: record.stream });
      // written out rather than `{ ...intake, ... }`: every step reads this object, and one shape keeps those reads fast
      const x: Exchange = {
        req, res, ctx, config: state.config, route, services: this.services, model: record.model, stream: record.stream, pinned: undefined,
      };
      // routes without a body (GET /v1/models) name no model: every upstream may serve them
      const model = typeof parsed?.model === 'string' ? parsed.model : undefined;
      const order = this.selector.order(state.upstreams, model, { anyModel: !route.hasBody });
      if (order.length === 0) {
        const refused = sendFailure(x, NO_ATTEMPTS, 404, 'model_not_found', `no upstream serves model ${JSON.stringify(model ?? null)}`);
        noteAnswer(record, refused);
        return;
      }
      const problem = route.hasBody && parsed ? route.format.checkRequest(parsed) : undefined;
      if (problem) {
        const refused = sendFailure(x, NO_ATTEMPTS, 400, problem.code, problem.message, {}, 'none', problem.param);
        noteAnswer(record, refused);
        return;
      }
      // the upstreams whose format can serve this request (and, for a Responses follow-up, the one holding it)
      const checked = eligibleUpstreams(x, order, parsed, record.stream);
      const eligible = checked instanceof Promise ? await checked : checked;
      if (eligible.kind === 'refused') {
        const refused = sendFailure(x, NO_ATTEMPTS, eligible.status, eligible.code, eligible.message, eligible.status === 503 ? { 'retry-after': '1' } : {}, 'none', eligible.param ?? null);
        noteAnswer(record, refused);
        return;
      }
      await runAttempts(eligible.pinned ? { ...x, pinned: eligible.pinned } : x, eligible.order, parsed, record);
    } catch (error) {
      this.logger.error({ err: error, requestId: ctx.requestId }, 'proxy engine failed');
      if (!res.headersSent) {
        const failed = sendFailure(intake, record, 500, 'internal_error', 'the proxy failed to handle the request');
        noteAnswer(record, failed);
      } else if (!res.writableEnded) {
        res.end();
      }
    } finally {
      this.events.requestFinished(requestFinishedEvent(record, ctx, route.route, res.statusCode, performance.now() - ctx.receivedAt));
    }
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
      breakerSharing: this.breakerSharing,
    });
    this.breakerSharing?.upstreamsChanged(runtimes.map((u) => u.name));
    for (const pool of retired) void pool.close();
    return runtimes;
  }

  /** The redactor of the secrets responses must not carry (rebuilt on reconfigure). */
  private newRedactor(): SecretRedactor {
    return new SecretRedactor(proxySecrets(this.state.upstreams.map((u) => u.apiKey), this.env, this.state.config.egress.httpsProxy));
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
