import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { FleetBreakers } from './fleet-breakers';
import { FleetUsage } from './fleet-usage';
import { GlobalRateLimiter } from './global-rate-limiter';
import { RedisLink, type SharedStateLog } from './redis-link';
import { RedisResponseAffinity } from './redis-response-affinity';
import { SharedStateMetrics } from './shared-state-metrics';
import type { SharedStateSettings } from './shared-state-settings';
import type { ProxyConfig } from '../../src/contract';
import type { RateLimiter } from '../ops/rate-limiter';
import { renderUsageReport, type UsageReport, type UsageTracker } from '../ops/usage-report';
import { LocalResponseAffinity } from '../proxy/formats/response-affinity';

/** Options of {@link SharedState}. */
export interface SharedStateOptions {
  readonly settings: SharedStateSettings;
  /** The running config (follows reloads: limits, failMode, breaker settings, currency). */
  readonly config: () => ProxyConfig;
  readonly log: SharedStateLog;
  /** The proxy's metrics registry (shared-state metrics join it). */
  readonly registry: Registry;
  /** The pod-local limiter used while Redis is away (fail-open). */
  readonly localRateLimiter: RateLimiter;
  /** This pod's usage; each counted request is also added to the fleet's. */
  readonly usage: UsageTracker;
  /** The engine's clock, in ms. @default Date.now */
  readonly now?: () => number;
}

/** How long the proxy waits for Redis at start before it runs on pod-local state (it keeps trying). */
const CONNECT_WAIT_MS = 2000;

/**
 * Shared state of the replicas of one proxy, on Redis (on when REDIS_URL is
 * set): the global rate limiter, the breakers shared through the fleet
 * (unless `sharedState.shareBreakers` is false) and the fleet's usage
 * totals, over one {@link RedisLink}.
 */
export class SharedState {
  public readonly link: RedisLink;
  public readonly rateLimiter: GlobalRateLimiter;
  /** Undefined when `sharedState.shareBreakers` is false. */
  public readonly breakers: FleetBreakers | undefined;
  public readonly usage: FleetUsage;
  /** Which upstream created each Responses API id, fleet-wide (this pod's LRU first). */
  public readonly responseAffinity: RedisResponseAffinity;
  /** This pod's part of {@link responseAffinity} (resized on reload). */
  private readonly localAffinity: LocalResponseAffinity;
  /** This process in the fleet (lease ids, published news). */
  public readonly replicaId = randomUUID();

  constructor(private readonly options: SharedStateOptions) {
    const { settings, config } = options;
    this.link = new RedisLink({
      target: settings.target,
      commandTimeoutMs: settings.commandTimeoutMs,
      log: options.log,
      observer: new SharedStateMetrics(options.registry),
    });
    this.rateLimiter = new GlobalRateLimiter({
      link: this.link,
      local: options.localRateLimiter,
      keyPrefix: settings.keyPrefix,
      failMode: () => config().sharedState.failMode,
    });
    this.breakers = settings.shareBreakers
      ? new FleetBreakers({
        link: this.link,
        keyPrefix: settings.keyPrefix,
        replicaId: this.replicaId,
        now: options.now ?? Date.now,
        log: options.log,
        probeSettings: () => {
          const current = config();
          const { requestSeconds, firstTokenSeconds } = current.timeouts;
          // a probe's verdict comes at headers (or first content for streams): a lease outlives both
          return { maxProbes: current.circuitBreaker.halfOpenMaxCalls, leaseTtlMs: Math.max(requestSeconds, firstTokenSeconds) * 1000 + 1000 };
        },
      })
      : undefined;
    this.usage = new FleetUsage({ link: this.link, keyPrefix: settings.keyPrefix, since: options.usage.startedAt });
    options.usage.forwardCounters((counters) => this.usage.add(counters));
    this.localAffinity = new LocalResponseAffinity(config().limits.responseAffinityEntries);
    this.responseAffinity = new RedisResponseAffinity({ link: this.link, keyPrefix: settings.keyPrefix, local: this.localAffinity });
  }

  /** Follows a reloaded config (the pod-local affinity's size). */
  configChanged(next: ProxyConfig): void {
    this.localAffinity.resize(next.limits.responseAffinityEntries);
  }

  /** Connects (waiting at most 2 s; a failure is logged once and the proxy runs on pod-local state meanwhile). */
  async start(): Promise<boolean> {
    return this.link.connect(CONNECT_WAIT_MS);
  }

  /** What `/v1/status` shows: whether Redis answers (and why not), where (redacted), the key prefix and the modes. */
  status(): Record<string, unknown> {
    const { settings } = this.options;
    return {
      up: this.link.up,
      ...(this.link.up ? {} : { reason: this.link.reason }),
      redis: this.link.redactedUrl,
      keyPrefix: settings.keyPrefix,
      failMode: this.options.config().sharedState.failMode,
      shareBreakers: settings.shareBreakers,
    };
  }

  /** The fleet's usage report (`/v1/usage?scope=fleet`); rejects while Redis is away. */
  async fleetReport(): Promise<UsageReport> {
    const snapshot = await this.usage.read();
    return renderUsageReport(snapshot.counters, this.options.usage.displayCurrency, snapshot.since, 'fleet');
  }

  /** Sends pending usage (bounded by one command timeout) and closes the connections. */
  async close(): Promise<void> {
    this.breakers?.close();
    await Promise.race([this.usage.flush(), new Promise((resolve) => setTimeout(resolve, this.options.settings.commandTimeoutMs).unref())]);
    await this.link.close();
  }
}
