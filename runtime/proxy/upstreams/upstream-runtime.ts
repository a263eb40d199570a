import { UpstreamPool } from './upstream-pool';
import type { ProxyConfig, UpstreamConfig } from '../../../src/contract';
import {
  AnyBreaker, CircuitBreaker, ConsecutiveBreaker, SamplingBreaker, breakerStats,
  type BreakerStats, type BreakerTimings, type ProbeGate, type SamplingBreakerOptions,
} from '../../core';
import type { AttemptOutcome, BreakerStateName } from '../../events';

/** What an upstream carries at run time: its config, key, breaker, pool and latency estimate. */
export interface UpstreamRuntime {
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
  readonly models: readonly string[];
  readonly config: UpstreamConfig;
  readonly apiKey: string | undefined;
  readonly breaker: CircuitBreaker;
  /** The policies the breaker is composed of (kept to apply reloaded settings). */
  readonly policies: BreakerPolicies;
  /** What the policies counted, for `/v1/status`. */
  readonly stats: BreakerStats;
  readonly pool: UpstreamPool;
  /** What the pool was built from: a reload that changes it gets a new pool. */
  readonly poolKey: string;
  /** EWMA of successful attempts' latency in ms (null before the first). */
  latencyMs: number | null;
  /** The last failed attempt (null before any), for `/v1/status`. */
  lastError: UpstreamError | null;
}

/** A failed attempt on an upstream as an operator reads it. */
export interface UpstreamError {
  /** undici / Node / TLS code, or the proxy's own timeout code; absent for a status failure. */
  readonly code?: string;
  readonly outcome: AttemptOutcome;
  /** The upstream's status, when one came. */
  readonly status?: number;
  /** ms clock of the failure. */
  readonly at: number;
}

/** An upstream's breaker decision: N failures in a row, or a failure ratio over a window. */
export interface BreakerPolicies {
  readonly consecutive: ConsecutiveBreaker;
  readonly sampling: SamplingBreaker;
}

/** Hooks the runtime set needs from the engine. */
export interface RuntimeHooks {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly random: () => number;
  readonly onTransition: (upstream: string, from: BreakerStateName, to: BreakerStateName) => void;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  /** Shares breakers across replicas (shared state); absent: each breaker decides alone. */
  readonly breakerSharing?: BreakerSharing;
}

/**
 * Breakers shared across replicas (runtime/shared-state's FleetBreakers):
 * each new breaker gets a probe gate and is attached so that opens and
 * closes travel both ways.
 */
export interface BreakerSharing {
  /** The half-open probe gate of `upstream`'s breaker. */
  gateFor(upstream: string): ProbeGate;
  /** Shares a new breaker (kept across reloads while the upstream is). */
  attach(upstream: string, breaker: CircuitBreaker): void;
  /** The configured upstreams (at start and after each reload). */
  upstreamsChanged(names: readonly string[]): void;
}

/** Identity of an upstream across reconfigures: same name and base URL keep breaker and pool. */
function identity(upstream: UpstreamConfig): string {
  return `${upstream.name}\u0000${upstream.baseUrl}`;
}

/** The settings an {@link UpstreamPool} is built from (base URL, connection cap, timeouts, egress). */
function poolKeyOf(upstream: UpstreamConfig, config: ProxyConfig): string {
  const { connectSeconds, requestSeconds, streamIdleSeconds } = config.timeouts;
  return JSON.stringify([upstream.baseUrl, upstream.maxConnections, connectSeconds, requestSeconds, streamIdleSeconds, config.egress]);
}

/**
 * Builds the upstream runtimes for a config. An upstream whose name and base
 * URL did not change keeps its breaker STATE (with the new breaker settings
 * applied) and keeps its pool unless the pool's settings (timeouts, egress)
 * changed. Returns the runtimes and the pools that are no longer used (the
 * caller closes them after their in-flight requests).
 */
export function buildUpstreamRuntimes(
  config: ProxyConfig,
  previous: readonly UpstreamRuntime[],
  hooks: RuntimeHooks,
): { runtimes: UpstreamRuntime[]; retired: UpstreamPool[] } {
  const old = new Map(previous.map((u) => [identity(u.config), u]));
  const retired: UpstreamPool[] = [];
  const runtimes = config.upstreams.map((upstream): UpstreamRuntime => {
    const apiKey = hooks.env[upstream.apiKeyEnv];
    if (!apiKey) {
      hooks.warn(`upstream "${upstream.name}" has no API key: env ${upstream.apiKeyEnv} is empty`, {
        upstream: upstream.name,
        env: upstream.apiKeyEnv,
      });
    }
    const kept = old.get(identity(upstream));
    old.delete(identity(upstream));
    const poolKey = poolKeyOf(upstream, config);
    let policies: BreakerPolicies;
    let breaker: CircuitBreaker;
    if (kept) {
      policies = kept.policies;
      breaker = kept.breaker;
      policies.consecutive.configure(config.circuitBreaker.failureThreshold);
      policies.sampling.configure(samplingOptions(config));
      breaker.reconfigure(breakerTimings(config));
    } else {
      policies = {
        consecutive: new ConsecutiveBreaker(config.circuitBreaker.failureThreshold),
        sampling: new SamplingBreaker(samplingOptions(config)),
      };
      breaker = newBreaker(upstream.name, config, policies, hooks);
    }
    let pool: UpstreamPool;
    if (kept && kept.poolKey === poolKey) {
      pool = kept.pool;
    } else {
      if (kept) retired.push(kept.pool);
      pool = new UpstreamPool(upstream, config);
    }
    return {
      name: upstream.name,
      priority: upstream.priority,
      weight: upstream.weight,
      models: upstream.models,
      config: upstream,
      apiKey: apiKey || undefined,
      breaker,
      policies,
      stats: kept?.stats ?? breakerStats(policies.consecutive, policies.sampling),
      pool,
      poolKey,
      latencyMs: kept?.latencyMs ?? null,
      lastError: kept?.lastError ?? null,
    };
  });
  retired.push(...[...old.values()].map((u) => u.pool));
  return { runtimes, retired };
}

function samplingOptions(config: ProxyConfig): SamplingBreakerOptions {
  const cb = config.circuitBreaker;
  return {
    threshold: cb.failureRateThreshold,
    windowMs: cb.slidingWindowSeconds * 1000,
    minimumCalls: cb.minimumCalls,
  };
}

function breakerTimings(config: ProxyConfig): BreakerTimings {
  const cb = config.circuitBreaker;
  return {
    recoveryTimeoutMs: cb.recoveryTimeoutSeconds * 1000,
    maxRecoveryTimeoutMs: cb.maxRecoveryTimeoutSeconds * 1000,
    openBackoffMultiplier: cb.openBackoffMultiplier,
    halfOpenMaxCalls: cb.halfOpenMaxCalls,
  };
}

function newBreaker(name: string, config: ProxyConfig, policies: BreakerPolicies, hooks: RuntimeHooks): CircuitBreaker {
  const breaker = new CircuitBreaker({
    policy: new AnyBreaker([policies.consecutive, policies.sampling]),
    ...breakerTimings(config),
    random: hooks.random,
    probeGate: hooks.breakerSharing?.gateFor(name),
  });
  hooks.breakerSharing?.attach(name, breaker);
  // lives as long as the breaker (kept across reloads)
  breaker.onStateChange(({ from, to }) => hooks.onTransition(name, from, to));
  return breaker;
}
