/** What shared state reports (metrics listen); implementations must not throw. */
export interface SharedStateObserver {
  /** Redis is reachable (true) or not (false). */
  up(reachable: boolean): void;
  /** One Redis command finished (or failed) after `seconds`. */
  command(operation: SharedStateOperation, seconds: number, ok: boolean): void;
  /** An operation fell back to pod-local state (fail-open) or refused (fail-closed). */
  fallback(operation: SharedStateOperation): void;
}

/** The operations shared state runs on Redis: a bounded metric label. */
export type SharedStateOperation = 'rate_limit' | 'breaker_publish' | 'breaker_sync' | 'probe_lease' | 'probe_result' | 'usage_flush' | 'usage_read' | 'affinity' | 'ping';

/** Observes nothing. */
export const NO_SHARED_STATE_OBSERVER: SharedStateObserver = {
  up: () => undefined,
  command: () => undefined,
  fallback: () => undefined,
};
