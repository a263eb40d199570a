import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SharedStateObserver, SharedStateOperation } from './shared-state-observer';
import { METRIC_LABELS as L, METRIC_LABEL_VALUES, METRICS } from '../../src/contract';

/** Redis answers in well under a millisecond on a LAN; the command timeout caps the top. */
const COMMAND_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/**
 * Shared-state metrics in the proxy's registry: `ai_failover_shared_state_up`,
 * the command latency histogram and the fallbacks counter. Registered only
 * when REDIS_URL is set, so a proxy without shared state exports none of them.
 */
export class SharedStateMetrics implements SharedStateObserver {
  private readonly upGauge: Gauge;
  private readonly latency: Histogram;
  private readonly fallbacks: Counter;

  constructor(registry: Registry) {
    this.upGauge = new Gauge({ name: METRICS.sharedStateUp, help: 'Shared state (Redis) reachable: 1, else 0.', registers: [registry] });
    this.latency = new Histogram({
      name: METRICS.sharedStateCommandSeconds,
      help: 'Shared-state Redis command latency in seconds, by operation and result.',
      labelNames: [L.operation, L.result],
      buckets: COMMAND_BUCKETS,
      registers: [registry],
    });
    this.fallbacks = new Counter({
      name: METRICS.sharedStateFallbacksTotal,
      help: 'Shared-state operations that fell back to pod-local state (fail-open) or refused (fail-closed), by operation.',
      labelNames: [L.operation],
      registers: [registry],
    });
    this.upGauge.set(0);
    this.fallbacks.inc({ [L.operation]: 'rate_limit' }, 0);
  }

  up(reachable: boolean): void {
    this.upGauge.set(reachable ? 1 : 0);
  }

  command(operation: SharedStateOperation, seconds: number, ok: boolean): void {
    this.latency.observe({ [L.operation]: operation, [L.result]: ok ? METRIC_LABEL_VALUES.reloadOk : METRIC_LABEL_VALUES.reloadFailed }, seconds);
  }

  fallback(operation: SharedStateOperation): void {
    this.fallbacks.inc({ [L.operation]: operation });
  }
}
