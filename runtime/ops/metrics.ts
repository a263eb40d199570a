import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BREAKER_STATE_VALUE, METRIC_LABEL_VALUES, METRIC_LABELS as L, METRICS, type ProxyConfig } from '../../src/contract';
import type { AttemptFinishedEvent, BreakerStateName, BreakerTransitionEvent, FailoverEvent, ProxyEvents, RequestFinishedEvent, RequestStartedEvent } from '../events';
import { ModelLabels } from './model-label';

/** What the breaker gauge reads at scrape time. */
export interface UpstreamStateSource {
  upstreamStatus(): ReadonlyArray<{ readonly name: string; readonly state: BreakerStateName }>;
  openStreams?(): number;
  /** Upstream response bytes held in memory now (the buffer budget's use). */
  bufferedResponseBytes?(): number;
}

const BREAKER_VALUE: Record<BreakerStateName, number> = {
  closed: BREAKER_STATE_VALUE.closed,
  half_open: BREAKER_STATE_VALUE.halfOpen,
  open: BREAKER_STATE_VALUE.open,
};

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/**
 * Prometheus metrics of the proxy, in their own Registry. Implements
 * {@link ProxyEvents}; the breaker gauge is read from the engine at scrape time.
 * Labels are bounded: route templates, known models (else `other`), upstream
 * names from config, outcomes and status codes.
 */
export class ProxyMetrics implements ProxyEvents {
  /** The registry `/metrics` serves. */
  public readonly registry = new Registry();
  private readonly models: ModelLabels;
  private source?: UpstreamStateSource;
  private requestBodyBytes?: () => number;

  private readonly httpRequests = new Counter({ name: METRICS.httpRequestsTotal, help: 'Proxied requests by route, model and status (HPA: http_requests_per_second via prometheus-adapter).', labelNames: [L.route, L.model, L.status], registers: [this.registry] });
  private readonly duration = new Histogram({ name: METRICS.requestDurationSeconds, help: 'Whole-request latency in seconds.', labelNames: [L.route, L.model, L.status], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly attempts = new Counter({ name: METRICS.upstreamAttemptsTotal, help: 'Upstream attempts by upstream and outcome.', labelNames: [L.upstream, L.outcome], registers: [this.registry] });
  private readonly upstreamLatency = new Histogram({ name: METRICS.upstreamLatencySeconds, help: 'Upstream time to headers (or failure) in seconds.', labelNames: [L.upstream, L.outcome], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  /**
   * Upstream SWITCHES (an attempt on another upstream after a failed one). Not
   * the seed's `failover_count` of /v1/usage, which adds one per failed
   * retryable attempt (a retry on the same upstream counts there, not here).
   */
  private readonly failovers = new Counter({ name: METRICS.failoversTotal, help: 'Failovers from one upstream to another.', labelNames: [L.from, L.to, L.reason], registers: [this.registry] });
  private readonly retries = new Counter({ name: METRICS.retriesTotal, help: 'Retries (attempts after the first).', labelNames: [L.route], registers: [this.registry] });
  private readonly budgetRejected = new Counter({ name: METRICS.retryBudgetRejectedTotal, help: 'Retries refused by the retry budget.', labelNames: [L.upstream], registers: [this.registry] });
  private readonly breakerTransitions = new Counter({ name: METRICS.circuitBreakerTransitionsTotal, help: 'Circuit breaker transitions.', labelNames: [L.upstream, L.from, L.to], registers: [this.registry] });
  private readonly overhead = new Histogram({ name: METRICS.overheadSeconds, help: 'Proxy overhead (duration minus upstream time) in seconds.', labelNames: [L.route], buckets: OVERHEAD_BUCKETS, registers: [this.registry] });
  private readonly ttft = new Histogram({ name: METRICS.timeToFirstTokenSeconds, help: 'Streams: time to first byte sent to the client, in seconds.', labelNames: [L.model], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly tokens = new Counter({ name: METRICS.tokensTotal, help: 'Tokens by model, upstream and direction: input, output, and the parts of them that were cached_input, cache_write or reasoning.', labelNames: [L.model, L.upstream, L.direction], registers: [this.registry] });
  private readonly cost = new Counter({ name: METRICS.costUsdTotal, help: 'Cost in USD by model.', labelNames: [L.model], registers: [this.registry] });
  private readonly failoverCost = new Counter({ name: METRICS.failoverCostUsdTotal, help: 'Cost in USD of requests served after at least one failover.', labelNames: [L.model], registers: [this.registry] });
  private readonly rateLimited = new Counter({ name: METRICS.rateLimitedTotal, help: 'Requests refused by the per-client rate limit.', labelNames: [L.route], registers: [this.registry] });
  private readonly reloads = new Counter({ name: METRICS.configReloadsTotal, help: 'Config reloads by result (ok/failed).', labelNames: [L.result], registers: [this.registry] });
  private readonly redactions = new Counter({ name: METRICS.responseRedactionsTotal, help: 'Secrets (upstream keys, Redis password, egress credentials) removed from upstream responses before a client saw them.', labelNames: [L.upstream], registers: [this.registry] });
  private readonly clientErrors = new Counter({ name: METRICS.httpClientErrorsTotal, help: 'Requests refused by the HTTP parser: bad_request, headers_too_large, request_timeout.', labelNames: [L.reason], registers: [this.registry] });
  private readonly unbuffered = new Counter({ name: METRICS.unbufferedResponsesTotal, help: 'JSON responses streamed through unpriced instead of buffered: buffer_budget, response_too_large.', labelNames: [L.reason], registers: [this.registry] });
  /** Requests started and not yet finished (the engine may finish a request it never started, e.g. a 413). */
  private readonly started = new Set<string>();
  private streamCount = 0;

  constructor(config: ProxyConfig) {
    this.models = new ModelLabels(config);
    const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    new Gauge({
      name: METRICS.circuitBreakerState,
      help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
      labelNames: [L.upstream],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const status of self.source?.upstreamStatus() ?? []) {
          this.set({ [L.upstream]: status.name }, BREAKER_VALUE[status.state]);
        }
      },
    });
    new Gauge({
      name: METRICS.inFlightRequests,
      help: 'Requests in flight in the engine.',
      registers: [this.registry],
      collect() {
        this.set(self.started.size);
      },
    });
    new Gauge({
      name: METRICS.openStreams,
      help: 'Open streamed responses.',
      registers: [this.registry],
      collect() {
        this.set(self.source?.openStreams ? self.source.openStreams() : self.streamCount);
      },
    });
    new Gauge({
      name: METRICS.bufferedResponseBytes,
      help: 'Upstream response bytes held in memory now, against limits.maxBufferedResponseBytes.',
      registers: [this.registry],
      collect() {
        this.set(self.source?.bufferedResponseBytes ? self.source.bufferedResponseBytes() : 0);
      },
    });
    new Gauge({
      name: METRICS.bufferedRequestBytes,
      help: 'Request body bytes held in memory now (bodies still arriving included), against limits.maxBufferedRequestBytes.',
      registers: [this.registry],
      collect() {
        this.set(self.requestBodyBytes ? self.requestBodyBytes() : 0);
      },
    });
    this.reloads.inc({ [L.result]: METRIC_LABEL_VALUES.reloadOk }, 0);
    this.reloads.inc({ [L.result]: METRIC_LABEL_VALUES.reloadFailed }, 0);
  }

  /** Where the breaker gauge reads upstream states at scrape time. */
  /** Where the request-body gauge reads the bytes held at scrape time (the server's request body budget). */
  attachRequestBodies(read: () => number): void {
    this.requestBodyBytes = read;
  }

  attach(source: UpstreamStateSource): void {
    this.source = source;
  }

  /** Bounds of the model label follow a new config. */
  configChanged(config: ProxyConfig): void {
    this.models.update(config);
  }

  /** Counts a config reload. */
  configReload(result: typeof METRIC_LABEL_VALUES.reloadOk | typeof METRIC_LABEL_VALUES.reloadFailed): void {
    this.reloads.inc({ [L.result]: result });
  }

  /** Counts a request refused by the rate limiter. */
  rateLimitedRequest(route: string): void {
    this.rateLimited.inc({ [L.route]: route });
  }

  /** Counts a request the HTTP parser refused (answered by the server's `clientError` handler). */
  clientError(reason: string): void {
    this.clientErrors.inc({ [L.reason]: reason });
  }

  /** The label value a model gets. */
  modelLabel(model: string | undefined): string {
    return this.models.label(model);
  }

  /** Prometheus text of the registry. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  requestStarted(event: RequestStartedEvent): void {
    this.started.add(event.requestId);
  }

  attemptFinished(event: AttemptFinishedEvent): void {
    this.attempts.inc({ [L.upstream]: event.upstream, [L.outcome]: event.outcome });
    this.upstreamLatency.observe({ [L.upstream]: event.upstream, [L.outcome]: event.outcome }, event.latencyMs / 1000);
  }

  failover(event: FailoverEvent): void {
    this.failovers.inc({ [L.from]: event.from, [L.to]: event.to, [L.reason]: event.reason });
  }

  retryBudgetRejected(event: { readonly upstream: string }): void {
    this.budgetRejected.inc({ [L.upstream]: event.upstream });
  }

  breakerTransition(event: BreakerTransitionEvent): void {
    this.breakerTransitions.inc({ [L.upstream]: event.upstream, [L.from]: event.from, [L.to]: event.to });
  }

  streamOpened(): void {
    this.streamCount += 1;
  }

  streamClosed(): void {
    this.streamCount = Math.max(0, this.streamCount - 1);
  }

  requestFinished(event: RequestFinishedEvent): void {
    this.started.delete(event.requestId);
    this.recordRequest(event);
    if (event.redactions) this.redactions.inc({ [L.upstream]: event.upstream ?? 'none' }, event.redactions);
    if (event.unbuffered) this.unbuffered.inc({ [L.reason]: event.unbuffered });
  }

  /**
   * Counts a request the server answered before the engine saw it (401, 429,
   * 503, 404): it still counts in `http_requests_total`.
   */
  recordRequest(event: Pick<RequestFinishedEvent, 'route' | 'model' | 'status' | 'durationMs'> & Partial<RequestFinishedEvent>): void {
    const model = this.models.label(event.model);
    const labels = { [L.route]: event.route, [L.model]: model, [L.status]: String(event.status) };
    this.httpRequests.inc(labels);
    this.duration.observe(labels, event.durationMs / 1000);
    if (event.retries) this.retries.inc({ [L.route]: event.route }, event.retries);
    if (event.overheadMs !== undefined && event.attempts) this.overhead.observe({ [L.route]: event.route }, event.overheadMs / 1000);
    if (event.timeToFirstTokenMs !== undefined) this.ttft.observe({ [L.model]: model }, event.timeToFirstTokenMs / 1000);
    const upstream = event.upstream ?? 'none';
    if (event.usage) {
      this.tokens.inc({ [L.model]: model, [L.upstream]: upstream, [L.direction]: METRIC_LABEL_VALUES.directionInput }, event.usage.promptTokens);
      this.tokens.inc({ [L.model]: model, [L.upstream]: upstream, [L.direction]: METRIC_LABEL_VALUES.directionOutput }, event.usage.completionTokens);
      const parts = [
        [METRIC_LABEL_VALUES.directionCachedInput, event.usage.cachedTokens],
        [METRIC_LABEL_VALUES.directionCacheWrite, event.usage.cacheWriteTokens],
        [METRIC_LABEL_VALUES.directionReasoning, event.usage.reasoningTokens],
      ] as const;
      for (const [direction, tokens] of parts) {
        if (tokens) this.tokens.inc({ [L.model]: model, [L.upstream]: upstream, [L.direction]: direction }, tokens);
      }
    }
    if (event.costUsd) {
      this.cost.inc({ [L.model]: model }, event.costUsd);
      if (event.failovers) this.failoverCost.inc({ [L.model]: model }, event.costUsd);
    }
  }
}
