import type { ProxyConfig, UpstreamConfig } from '../../src/contract';
import { CircuitBreaker, CompositeBreakerPolicy } from '../core';
import type { BreakerStateName } from '../events';
import { UpstreamPool } from './upstream-pool';

/** What an upstream carries at run time: its config, key, breaker, pool and latency estimate. */
export interface UpstreamRuntime {
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
  readonly models: readonly string[];
  readonly config: UpstreamConfig;
  readonly apiKey: string | undefined;
  readonly breaker: CircuitBreaker;
  readonly pool: UpstreamPool;
  /** EWMA of successful attempts' latency in ms (null before the first). */
  latencyMs: number | null;
}

/** Hooks the runtime set needs from the engine. */
export interface RuntimeHooks {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly random: () => number;
  readonly onTransition: (upstream: string, from: BreakerStateName, to: BreakerStateName) => void;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

/** Identity of an upstream across reconfigures: same name and base URL keep breaker and pool. */
function identity(upstream: UpstreamConfig): string {
  return `${upstream.name}\u0000${upstream.baseUrl}`;
}

/**
 * Builds the upstream runtimes for a config, reusing breakers and pools of
 * upstreams whose name and base URL did not change. Returns the runtimes and
 * the pools that are no longer used.
 */
export function buildUpstreamRuntimes(
  config: ProxyConfig,
  previous: readonly UpstreamRuntime[],
  hooks: RuntimeHooks,
): { runtimes: UpstreamRuntime[]; retired: UpstreamPool[] } {
  const old = new Map(previous.map((u) => [identity(u.config), u]));
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
    const breaker = kept?.breaker ?? newBreaker(upstream.name, config, hooks);
    const pool = kept?.pool ?? new UpstreamPool(upstream, config);
    return {
      name: upstream.name,
      priority: upstream.priority,
      weight: upstream.weight,
      models: upstream.models,
      config: upstream,
      apiKey: apiKey || undefined,
      breaker,
      pool,
      latencyMs: kept?.latencyMs ?? null,
    };
  });
  return { runtimes, retired: [...old.values()].map((u) => u.pool) };
}

function newBreaker(name: string, config: ProxyConfig, hooks: RuntimeHooks): CircuitBreaker {
  const cb = config.circuitBreaker;
  return new CircuitBreaker({
    policy: new CompositeBreakerPolicy({
      failureThreshold: cb.failureThreshold,
      failureRateThreshold: cb.failureRateThreshold,
      windowMs: cb.slidingWindowSeconds * 1000,
      minimumCalls: cb.minimumCalls,
    }),
    recoveryTimeoutMs: cb.recoveryTimeoutSeconds * 1000,
    maxRecoveryTimeoutMs: cb.maxRecoveryTimeoutSeconds * 1000,
    openBackoffMultiplier: cb.openBackoffMultiplier,
    halfOpenMaxCalls: cb.halfOpenMaxCalls,
    random: hooks.random,
    onTransition: (from, to) => hooks.onTransition(name, from, to),
  });
}
