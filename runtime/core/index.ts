/** The pure failover core: no I/O, time is a parameter. */
export * from './backoff';
export * from './breaker-policy';
export * from './breaker-stats';
export * from './circuit-breaker';
export * from './disposable';
export * from './retry-budget';
export * from './upstream-selector';
export * from './pricing';
